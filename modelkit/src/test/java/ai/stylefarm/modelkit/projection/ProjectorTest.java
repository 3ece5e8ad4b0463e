package ai.stylefarm.modelkit.projection;

import static ai.stylefarm.modelkit.testing.Fixtures.ADA_A;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stylefarm.modelkit.ModelKit;
import ai.stylefarm.modelkit.bundle.ModelBundle;
import ai.stylefarm.modelkit.importer.Importers;
import ai.stylefarm.modelkit.inference.ExecutionDevice;
import ai.stylefarm.modelkit.inference.GeneratorSession;
import ai.stylefarm.modelkit.inference.ProjectionSession;
import ai.stylefarm.modelkit.inference.SessionSettings;
import ai.stylefarm.modelkit.stylegan.Tensor;
import ai.stylefarm.modelkit.testing.Fixtures;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The projector on the official fixture network: NVIDIA's start point, and recovery of an image it made. */
class ProjectorTest {
    private static final SessionSettings CPU = new SessionSettings(ExecutionDevice.CPU, 1);

    @TempDir
    static Path tmp;
    static ModelBundle bundle;
    static GeneratorSession generator;
    static LatentStats stats;

    @BeforeAll
    static void importFixture() {
        bundle = ModelKit.writeBundle(Importers.importFile(Fixtures.path(ADA_A + "network-snapshot.pkl")), "ada-A",
                tmp.resolve("bundle"));
        generator = GeneratorSession.open(bundle, CPU);
        stats = LatentStats.estimate(generator);
    }

    @AfterAll
    static void close() {
        generator.close();
    }

    @Test
    void startsFromTheWAverageAndSpreadThatProjectorPyEstimates() {
        float[] expected = Fixtures.tensor(ADA_A + "projection_w_avg.npy").data();
        assertTrue(Fixtures.maxAbsDiff(stats.wAvg(), expected) < 1e-5, "w_avg");
        assertEquals(6.0479015, stats.wStd(), 1e-5);
    }

    @Test
    void targetPreparationCropsAndResizesExactlyAsPillowDoes() throws IOException {
        byte[] png = resource("photos/lanczos-source-97x71.png");
        for (int res : new int[] {32, 64, 128}) {
            TargetImage t = TargetImage.decode(png, 3, res);
            assertArrayEquals(Fixtures.array("photos/lanczos-expected-" + res + ".npy").data(), t.hwc(), "at " + res);
        }
        byte[] fixturePng = resource(ADA_A + "projection_target_seed3.png");
        assertArrayEquals(Fixtures.array(ADA_A + "projection_target_seed3.npy").data(),
                TargetImage.decode(fixturePng, 3, 32).hwc());
    }

    @Test
    void projectingAnImageTheModelMadeRecoversItFarBetterThanAPhotograph() throws IOException {
        ProjectionResult own = project(TargetImage.decode(resource(ADA_A + "projection_target_seed3.png"), 3, 32),
                ProjectionOptions.defaults());
        ProjectionResult photo = project(TargetImage.decode(resource("photos/photo-05.png"), 3, 32),
                ProjectionOptions.defaults());
        assertTrue(own.psnr() > 30, "own image reconstructed at " + own.psnr() + " dB");
        assertTrue(photo.mse() > 20 * own.mse(), "photo " + photo.mse() + " vs own " + own.mse());
        assertEquals(1000, own.steps());
    }

    @Test
    void withConstantNoiseAnImageTheModelMadeIsFoundAlmostExactly() throws IOException {
        ProjectionResult own = project(TargetImage.decode(resource(ADA_A + "projection_target_seed3.png"), 3, 32),
                new ProjectionOptions(1000, ProjectionOptions.LatentSpace.W, false, 303));
        assertTrue(own.psnr() > 40, "reconstructed at " + own.psnr() + " dB");
        // The true latent of seed 3 has all rows equal to ws_psi1[3]; the projection should land near it.
        float[] truth = java.util.Arrays.copyOfRange(Fixtures.tensor(ADA_A + "ws_psi1.npy").data(), 3 * 8 * 64, 4 * 8 * 64);
        assertTrue(Fixtures.maxAbsDiff(own.ws(), truth) < 0.5, "w distance " + Fixtures.maxAbsDiff(own.ws(), truth));
    }

    @Test
    void sameSeedSameProjection() throws IOException {
        TargetImage t = TargetImage.decode(resource("photos/photo-13.png"), 3, 32);
        ProjectionOptions o = new ProjectionOptions(50, ProjectionOptions.LatentSpace.W_PLUS, true, 7);
        assertArrayEquals(project(t, o).ws(), project(t, o).ws());
    }

    @Test
    void noiseRegulariserGradientMatchesFiniteDifferences() {
        java.util.Random random = new java.util.Random(3);
        int r = 32;
        float[] map = new float[r * r];
        for (int i = 0; i < map.length; i++) {
            map[i] = (float) random.nextGaussian() + (i % r) * 0.05f; // some correlation, so the loss is not ~0
        }
        float[] grad = new float[map.length];
        NoiseRegularizer.lossAndGradient(map, r, 1.0, grad);
        for (int k = 0; k < 20; k++) {
            int i = random.nextInt(map.length);
            float saved = map[i];
            float h = 1e-2f;
            map[i] = saved + h;
            double plus = NoiseRegularizer.lossAndGradient(map, r, 1.0, new float[map.length]);
            map[i] = saved - h;
            double minus = NoiseRegularizer.lossAndGradient(map, r, 1.0, new float[map.length]);
            map[i] = saved;
            double fd = (plus - minus) / (2 * h);
            assertEquals(fd, grad[i], 1e-3 * Math.abs(fd) + 1e-7, "coordinate " + i);
        }
    }

    @Test
    void learningRateAndExplorationFollowProjectorPysSchedule() {
        ProjectionOptions o = ProjectionOptions.defaults();
        assertEquals(0, o.learningRate(0), 1e-12);
        assertEquals(0.05, o.learningRate(25), 1e-9); // half-way up the 5 % ramp
        assertEquals(0.1, o.learningRate(500), 1e-9);
        assertEquals(0.05, o.learningRate(875), 1e-9); // cosine half-way down over the last 25 %
        assertEquals(6 * 0.05, o.wNoiseScale(0, 6), 1e-9);
        assertEquals(0, o.wNoiseScale(750, 6), 1e-12);
    }

    private static ProjectionResult project(TargetImage target, ProjectionOptions options) {
        Map<String, float[]> constNoise = new LinkedHashMap<>();
        bundle.noiseConst().forEach((name, t) -> constNoise.put(name, t.data()));
        try (ProjectionSession s = ProjectionSession.open(bundle, CPU, target.raw())) {
            return new Projector(s, stats, constNoise).project(options, null);
        }
    }

    static byte[] resource(String name) throws IOException {
        try (InputStream in = ProjectorTest.class.getClassLoader().getResourceAsStream(name)) {
            return in.readAllBytes();
        }
    }
}
