package ai.stylefarm.modelkit.stylegan;

import static ai.stylefarm.modelkit.testing.Fixtures.ADA_A;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stylefarm.modelkit.ModelKit;
import ai.stylefarm.modelkit.bundle.ModelBundle;
import ai.stylefarm.modelkit.bundle.ModelManifest;
import ai.stylefarm.modelkit.importer.ImportedGenerator;
import ai.stylefarm.modelkit.importer.Importers;
import ai.stylefarm.modelkit.inference.ProjectionSession;
import ai.stylefarm.modelkit.inference.SessionSettings;
import ai.stylefarm.modelkit.inference.ExecutionDevice;
import ai.stylefarm.modelkit.testing.Fixtures;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The gradients of {@code projection_step.onnx} against PyTorch autograd through NVIDIA's own synthesis network
 * (fixture A) and against central finite differences on other configs.
 */
class ProjectionStepGradientTest {
    private static final float H = 1e-3f;
    private static final SessionSettings CPU = new SessionSettings(ExecutionDevice.CPU, 1);
    private static final String[] LAYERS = {"b4.conv1", "b8.conv0", "b8.conv1", "b16.conv0", "b16.conv1", "b32.conv0",
            "b32.conv1"};

    @TempDir
    Path tmp;

    @Test
    void gradientsMatchOfficialAutogradWithinATenthOfAPermilleOfEachArraysLargestValue() {
        ModelBundle bundle = ModelKit.writeBundle(Importers.importFile(Fixtures.path(ADA_A + "network-snapshot.pkl")),
                "ada-A", tmp.resolve("bundle"));
        Map<String, float[]> noise = new LinkedHashMap<>();
        for (String layer : LAYERS) {
            noise.put(noiseInput(layer), Fixtures.tensor(ADA_A + "grad_noise_in_" + layer + ".npy").data());
        }
        float[] target = Fixtures.tensor(ADA_A + "grad_target.npy").data();
        try (ProjectionSession s = ProjectionSession.open(bundle, CPU, target)) {
            var r = s.step(Fixtures.tensor(ADA_A + "grad_ws_in.npy").data(), noise);
            float expectedLoss = Fixtures.tensor(ADA_A + "grad_loss.npy").data()[0];
            assertEquals(expectedLoss, r.loss(), 1e-6 * expectedLoss);
            assertClose("img", Fixtures.tensor(ADA_A + "grad_img.npy").data(), r.img(), 1e-4);
            assertClose("grad_ws", Fixtures.tensor(ADA_A + "grad_ws.npy").data(), r.gradWs(), 1e-4);
            for (String layer : LAYERS) {
                assertClose("grad_noise " + layer, Fixtures.tensor(ADA_A + "grad_noise_" + layer + ".npy").data(),
                        r.gradNoise().get(noiseInput(layer)), 1e-3);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"tiny32", "small64", "grey16"})
    void gradientsMatchCentralFiniteDifferencesOnRandomCoordinates(String config) {
        ModelBundle bundle = ModelKit.writeBundle(generator(config), config, tmp.resolve(config));
        ModelManifest m = bundle.manifest();
        Random random = new Random(11);
        float[] ws = new float[m.numWs() * m.wDim()];
        for (int i = 0; i < ws.length; i++) {
            ws[i] = m.wAvg()[i % m.wDim()] + 0.5f * (float) random.nextGaussian();
        }
        Map<String, float[]> noise = new LinkedHashMap<>();
        for (ModelManifest.NoiseSpec spec : m.noiseInputs()) {
            noise.put(spec.name(), gaussian(random, spec.resolution() * spec.resolution()));
        }
        // A target near the rendering keeps the float32 loss small and its differences well above rounding.
        float[] target;
        try (ProjectionSession probe = ProjectionSession.open(bundle, CPU, new float[m.imgChannels() * m.resolution() * m.resolution()])) {
            target = probe.step(ws, noise).img();
        }
        float[] offset = gaussian(random, target.length);
        for (int i = 0; i < target.length; i++) {
            target[i] += 0.05f * offset[i];
        }
        try (ProjectionSession s = ProjectionSession.open(bundle, CPU, target)) {
            var r = s.step(ws, noise);
            checkFiniteDifferences("ws", r.gradWs(), ws, H, random, () -> s.step(ws, noise).loss());
            for (ModelManifest.NoiseSpec spec : m.noiseInputs()) {
                float[] map = noise.get(spec.name());
                checkFiniteDifferences(spec.name(), r.gradNoise().get(spec.name()), map, H, random,
                        () -> s.step(ws, noise).loss());
            }
        }
    }

    /** Central differences in float32 at 8 random coordinates: (L(x+h) − L(x−h)) / 2h against the gradient. */
    private static void checkFiniteDifferences(String what, float[] grad, float[] x, float h, Random random,
                                               java.util.function.DoubleSupplier loss) {
        double scale = maxAbs(grad);
        assertTrue(scale > 0, what + " gradient is all zeros");
        for (int k = 0; k < 8; k++) {
            int i = random.nextInt(x.length);
            float saved = x[i];
            x[i] = saved + h;
            double plus = loss.getAsDouble();
            x[i] = saved - h;
            double minus = loss.getAsDouble();
            x[i] = saved;
            double fd = (plus - minus) / (2 * h);
            assertTrue(Math.abs(fd - grad[i]) <= 0.02 * scale,
                    what + "[" + i + "]: finite difference " + fd + ", gradient " + grad[i] + " (largest " + scale + ")");
        }
    }

    /** A random-init generator with non-zero noise strengths (the init sets them to 0, which hides noise gradients). */
    private static ImportedGenerator generator(String config) {
        GeneratorConfig c = config.equals("grey16")
                ? new GeneratorConfig(32, 32, 0, 2, 0.01, 16, 1, 512, 32, OptionalDouble.of(256))
                : ConfigPresets.get(config);
        Map<String, Tensor> weights = new LinkedHashMap<>(RandomInit.weights(c, 5).asMap());
        weights.replaceAll((key, t) -> key.endsWith(".noise_strength") ? Tensor.scalar(0.3f) : t);
        return new ImportedGenerator(c, new StateDict(weights),
                new ImportedGenerator.Provenance("random-init", config, "0", "test"));
    }

    private static void assertClose(String what, float[] expected, float[] actual, double relative) {
        double tolerance = relative * maxAbs(expected);
        double d = Fixtures.maxAbsDiff(actual, expected);
        assertTrue(d <= tolerance, what + ": max abs diff " + d + " > " + tolerance);
    }

    private static double maxAbs(float[] a) {
        double m = 0;
        for (float v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    private static float[] gaussian(Random random, int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) random.nextGaussian();
        }
        return out;
    }

    private static String noiseInput(String layer) {
        return "noise_" + layer.replace('.', '_');
    }
}
