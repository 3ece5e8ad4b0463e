package ai.stylefarm.modelkit.stylegan;

import static ai.stylefarm.modelkit.testing.Fixtures.ADA_A;
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
import ai.stylefarm.modelkit.io.Pixels;
import ai.stylefarm.modelkit.testing.Fixtures;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The imported fixture network, run through our ONNX graphs, against NVIDIA's own outputs (config A). */
class OfficialParityTest {
    private static final int SEEDS = 8;
    private static final double TOLERANCE = 1e-4;

    @TempDir
    static Path tmp;
    static ModelBundle bundle;
    static GeneratorSession session;

    @BeforeAll
    static void importFixture() {
        bundle = ModelKit.writeBundle(Importers.importFile(Fixtures.path(ADA_A + "network-snapshot.pkl")), "ada-A",
                tmp.resolve("bundle"));
        session = GeneratorSession.open(bundle, SessionSettings.defaults());
    }

    @AfterAll
    static void close() {
        session.close();
    }

    @Test
    void mappingMatchesOfficialWs() {
        float[] z = Fixtures.tensor(ADA_A + "z.npy").data();
        float[] w = session.map(z, null, SEEDS); // [8, 64]
        float[] ws = Fixtures.tensor(ADA_A + "ws_psi1.npy").data(); // [8, 8, 64]
        for (int n = 0; n < SEEDS; n++) {
            for (int row = 0; row < 8; row++) {
                float[] expected = Arrays.copyOfRange(ws, (n * 8 + row) * 64, (n * 8 + row + 1) * 64);
                double d = Fixtures.maxAbsDiff(Arrays.copyOfRange(w, n * 64, n * 64 + 64), expected);
                assertTrue(d <= TOLERANCE, "seed " + n + " row " + row + ": " + d);
            }
        }
    }

    @ParameterizedTest(name = "psi {0}, noise {1}")
    @CsvSource({"1, const", "1, none", "0.5, const", "0.5, none"})
    void synthesisFromOfficialWsMatchesOfficialImages(String psi, String noise) {
        float[] ws = Fixtures.tensor(ADA_A + "ws_psi" + psi + ".npy").data();
        float[] expected = Fixtures.tensor(ADA_A + "img_psi" + psi + "_" + noise + ".npy").data();
        float[] img = session.synthesize(ws, SEEDS, NoiseMode.parse(noise), null);
        double d = Fixtures.maxAbsDiff(img, expected);
        assertTrue(d <= TOLERANCE, "max abs diff " + d);
    }

    @ParameterizedTest(name = "psi {0}, noise {1}")
    @CsvSource({"1, const", "1, none", "0.5, const", "0.5, none"})
    void seedsRenderToGeneratePysPixels(String psi, String noise) {
        long[] seeds = {0, 1, 2, 3, 4, 5, 6, 7};
        List<Renderer.Rendered> images = new Renderer(session).render(seeds,
                new RenderOptions(Float.parseFloat(psi), null, null, NoiseMode.parse(noise), 4));
        float[] officialFloat = Fixtures.tensor(ADA_A + "img_psi" + psi + "_" + noise + ".npy").data();
        byte[] officialUint8 = Fixtures.array(ADA_A + "img_psi" + psi + "_" + noise + "_uint8.npy").data();
        int plane = 32 * 32;
        int mismatches = 0;
        for (int n = 0; n < SEEDS; n++) {
            byte[] ours = Pixels.toUint8Hwc(images.get(n).img(), 0, 3, 32, 32);
            for (int p = 0; p < plane; p++) {
                for (int c = 0; c < 3; c++) {
                    int o = ours[p * 3 + c] & 0xff;
                    int e = officialUint8[(n * plane + p) * 3 + c] & 0xff;
                    if (o != e) {
                        // Only a value sitting on a floor boundary may flip, and only by one.
                        float v = officialFloat[(n * 3 + c) * plane + p] * 127.5f + 128f;
                        double toBoundary = Math.abs(v - Math.rint(v));
                        assertTrue(Math.abs(o - e) == 1 && toBoundary < 0.02,
                                "seed " + n + " pixel " + p + " channel " + c + ": " + o + " vs " + e);
                        mismatches++;
                    }
                }
            }
        }
        assertTrue(mismatches <= 4, mismatches + " boundary flips");
    }

    @Test
    void bundleRecordsTheFixturesConfigAndProvenance() {
        var m = bundle.manifest();
        assertEquals(32, m.resolution());
        assertEquals(8, m.numWs());
        assertEquals(7, m.noiseInputs().size());
        assertEquals("nvidia-pickle", m.provenance().format());
        assertEquals(64, m.wAvg().length);
    }
}
