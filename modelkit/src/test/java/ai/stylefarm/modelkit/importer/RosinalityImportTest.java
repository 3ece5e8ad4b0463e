package ai.stylefarm.modelkit.importer;

import static ai.stylefarm.modelkit.testing.Fixtures.ADA_A;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stylefarm.modelkit.ModelKit;
import ai.stylefarm.modelkit.bundle.ModelBundle;
import ai.stylefarm.modelkit.inference.GeneratorSession;
import ai.stylefarm.modelkit.inference.NoiseMode;
import ai.stylefarm.modelkit.inference.RenderOptions;
import ai.stylefarm.modelkit.inference.Renderer;
import ai.stylefarm.modelkit.inference.SessionSettings;
import ai.stylefarm.modelkit.testing.Fixtures;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fixture network re-saved as rosinality checkpoints (see fixtures/rosinality/make_fixture.py) renders exactly
 * like the NVIDIA pickle it came from: the renaming and reshaping lose nothing.
 */
class RosinalityImportTest {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"rosinality-A.pt", "rosinality-A-legacy.pt"})
    void checkpointRendersLikeTheNvidiaPickleItWasMadeFrom(String file) {
        ImportedGenerator ros = Importers.importFile(Fixtures.path("fixtures/rosinality/" + file));
        ImportedGenerator nv = Importers.importFile(Fixtures.path(ADA_A + "network-snapshot.pkl"));
        assertEquals("rosinality", ros.provenance().format());
        assertEquals(nv.config().channelBase(), ros.config().channelBase());
        assertEquals(nv.config().channelMax(), ros.config().channelMax());
        assertEquals(nv.config().mappingLayers(), ros.config().mappingLayers());

        List<Renderer.Rendered> a = render(ModelKit.writeBundle(ros, "ros", tmp.resolve("ros")));
        List<Renderer.Rendered> b = render(ModelKit.writeBundle(nv, "nv", tmp.resolve("nv")));
        for (int i = 0; i < a.size(); i++) {
            double d = Fixtures.maxAbsDiff(a.get(i).img(), b.get(i).img());
            assertTrue(d <= 1e-5, "seed " + i + ": max abs diff " + d);
        }
    }

    private static List<Renderer.Rendered> render(ModelBundle bundle) {
        try (GeneratorSession s = GeneratorSession.open(bundle, SessionSettings.defaults())) {
            return new Renderer(s).render(new long[] {0, 1, 2, 3}, new RenderOptions(0.7f, null, null, NoiseMode.CONST, 4));
        }
    }
}
