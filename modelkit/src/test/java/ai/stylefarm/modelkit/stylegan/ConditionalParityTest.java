package ai.stylefarm.modelkit.stylegan;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Fixture B (conditional, greyscale, no clamp, 64×64, lr multiplier 0.05) against NVIDIA's own outputs. */
class ConditionalParityTest {
    private static final String B = "fixtures/stylegan2-ada-B/";
    private static final int[] CLASSES = {0, 3, 4, 1};
    private static final int NUM_WS = 10;
    private static final int W_DIM = 48;
    private static final int PIXELS = 64 * 64;
    private static final double TOLERANCE = 1e-4;

    @TempDir
    static Path tmp;
    static ModelBundle bundle;
    static GeneratorSession session;

    @BeforeAll
    static void importFixture() {
        bundle = ModelKit.writeBundle(Importers.importFile(Fixtures.path(B + "network-snapshot.pkl")), "ada-B",
                tmp.resolve("bundle"));
        session = GeneratorSession.open(bundle, SessionSettings.defaults());
    }

    @AfterAll
    static void close() {
        session.close();
    }

    @Test
    void configIsReadFromThePickleAndTheWeights() {
        GeneratorConfig c = bundle.manifest().config();
        assertEquals(new GeneratorConfig(32, 48, 5, 2, 0.05, 64, 1, 2048, 96, java.util.OptionalDouble.empty()), c);
        assertEquals(NUM_WS, c.numWs());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"psi1, 1, ", "psi0.7_cutoff4, 0.7, 4"})
    void mappingWithClassAndTruncationMatchesOfficialWs(String tag, float psi, Integer cutoff) {
        float[] z = Fixtures.tensor(B + "z.npy").data();
        float[] c = Fixtures.tensor(B + "c.npy").data();
        float[] w = session.map(z, c, 4);
        float[] expected = Fixtures.tensor(B + "ws_" + tag + ".npy").data();
        for (int n = 0; n < 4; n++) {
            float[] ws = ai.stylefarm.modelkit.inference.Latents.broadcastTruncated(
                    Arrays.copyOfRange(w, n * W_DIM, (n + 1) * W_DIM), bundle.manifest().wAvg(), NUM_WS, psi, cutoff);
            float[] official = Arrays.copyOfRange(expected, n * NUM_WS * W_DIM, (n + 1) * NUM_WS * W_DIM);
            double d = Fixtures.maxAbsDiff(ws, official);
            assertTrue(d <= TOLERANCE, "seed " + n + ": " + d);
        }
    }

    @ParameterizedTest(name = "{0}, noise {1}")
    @CsvSource({"psi1, const", "psi1, none", "psi0.7_cutoff4, const", "psi0.7_cutoff4, none"})
    void synthesisMatchesOfficialImages(String tag, String noise) {
        float[] ws = Fixtures.tensor(B + "ws_" + tag + ".npy").data();
        float[] img = session.synthesize(ws, 4, NoiseMode.parse(noise), null);
        double d = Fixtures.maxAbsDiff(img, Fixtures.tensor(B + "img_" + tag + "_" + noise + ".npy").data());
        assertTrue(d <= TOLERANCE, "max abs diff " + d);
    }

    @Test
    void seedAndClassRenderEndToEndLikeGeneratePy() {
        float[] official = Fixtures.tensor(B + "img_psi0.7_cutoff4_const.npy").data();
        Renderer renderer = new Renderer(session);
        for (int n = 0; n < 4; n++) {
            float[] img = renderer.render(new long[] {n}, new RenderOptions(0.7f, 4, CLASSES[n], NoiseMode.CONST, 1))
                    .get(0).img();
            double d = Fixtures.maxAbsDiff(img, Arrays.copyOfRange(official, n * PIXELS, (n + 1) * PIXELS));
            assertTrue(d <= TOLERANCE, "seed " + n + ": " + d);
        }
    }
}
