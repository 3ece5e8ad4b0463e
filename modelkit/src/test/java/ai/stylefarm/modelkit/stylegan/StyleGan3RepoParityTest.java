package ai.stylefarm.modelkit.stylegan;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stylefarm.modelkit.ModelKit;
import ai.stylefarm.modelkit.bundle.ModelBundle;
import ai.stylefarm.modelkit.importer.Importers;
import ai.stylefarm.modelkit.inference.GeneratorSession;
import ai.stylefarm.modelkit.inference.NoiseMode;
import ai.stylefarm.modelkit.inference.RenderOptions;
import ai.stylefarm.modelkit.inference.Renderer;
import ai.stylefarm.modelkit.inference.SessionSettings;
import ai.stylefarm.modelkit.testing.Fixtures;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A generator pickled by stylegan3's networks_stylegan2 renders like NVIDIA's own call of it (fixture C). */
class StyleGan3RepoParityTest {
    private static final String C = "fixtures/stylegan3-repo-C/";

    @TempDir
    Path tmp;

    @Test
    void seedsRenderLikeTheOfficialGenerator() {
        ModelBundle bundle = ModelKit.writeBundle(Importers.importFile(Fixtures.path(C + "network-snapshot.pkl")), "c",
                tmp.resolve("c"));
        float[] official = Fixtures.tensor(C + "img_psi0.6_const.npy").data();
        int size = 3 * 16 * 16;
        try (GeneratorSession s = GeneratorSession.open(bundle, SessionSettings.defaults())) {
            var images = new Renderer(s).render(new long[] {0, 1, 2}, new RenderOptions(0.6f, null, null, NoiseMode.CONST, 3));
            for (int i = 0; i < 3; i++) {
                double d = Fixtures.maxAbsDiff(images.get(i).img(), Arrays.copyOfRange(official, i * size, (i + 1) * size));
                assertTrue(d <= 1e-4, "seed " + i + ": " + d);
            }
        }
    }
}
