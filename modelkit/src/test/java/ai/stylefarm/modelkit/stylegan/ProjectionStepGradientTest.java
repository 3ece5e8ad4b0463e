package ai.stylefarm.modelkit.stylegan;

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
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The gradients of {@code projection_step.onnx} against PyTorch autograd through NVIDIA's own synthesis networks
 * (fixtures A and B) and against central finite differences on other configs.
 */
class ProjectionStepGradientTest {
    private static final float H = 1e-3f;
    private static final SessionSettings CPU = new SessionSettings(ExecutionDevice.CPU, 1);

    @TempDir
    Path tmp;

    /**
     * NVIDIA's autograd through the official networks: fixture A (the shared fixtures, {@code grad_*}) and fixture
     * B (conditional, greyscale, unclamped, 64 px; {@code fixtures/gradients-B}, made by its make_gradients.py).
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"stylegan2-ada-A, stylegan2-ada-A/grad_, stylegan2-ada-A/grad_",
            "stylegan2-ada-B, gradients-B/, gradients-B/grad_"})
    void gradientsMatchOfficialAutogradToATenthOfAPermilleOfEachArraysLargestValue(String network, String inputs,
                                                                                 String gradients) {
        ModelBundle bundle = ModelKit.writeBundle(Importers.importFile(Fixtures.path("fixtures/" + network
                + "/network-snapshot.pkl")), network.toLowerCase(java.util.Locale.ROOT), tmp.resolve("bundle"));
        String in = "fixtures/" + inputs;
        String grad = "fixtures/" + gradients;
        Map<String, float[]> noise = new LinkedHashMap<>();
        for (ModelManifest.NoiseSpec spec : bundle.manifest().noiseInputs()) {
            noise.put(spec.name(), Fixtures.tensor(in + "noise_in_" + layer(spec.name()) + ".npy").data());
        }
        try (ProjectionSession s = ProjectionSession.open(bundle, CPU, Fixtures.tensor(in + "target.npy").data())) {
            var r = s.step(Fixtures.tensor(in + "ws_in.npy").data(), noise);
            float expectedLoss = Fixtures.tensor(in + "loss.npy").data()[0];
            assertEquals(expectedLoss, r.loss(), 1e-6 * expectedLoss);
            assertClose("img", Fixtures.tensor(in + "img.npy").data(), r.img(), 1e-4);
            assertClose("grad_ws", Fixtures.tensor(grad + "ws.npy").data(), r.gradWs(), 1e-4);
            for (ModelManifest.NoiseSpec spec : bundle.manifest().noiseInputs()) {
                assertClose("grad_noise " + spec.name(), Fixtures.tensor(grad + "noise_" + layer(spec.name())
                        + ".npy").data(), r.gradNoise().get(spec.name()), 1e-3);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"tiny32", "small64", "grey16", "stylegan3-repo-C"})
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

    /**
     * Central differences in float32, (L(x+h) − L(x−h)) / 2h, against the gradient at 8 random coordinates among
     * those whose gradient is at least a quarter of the largest: there the difference stands well above float32
     * rounding and the leaky ReLU kinks it crosses (small components are pinned by the comparisons with autograd).
     */
    private static void checkFiniteDifferences(String what, float[] grad, float[] x, float h, Random random,
                                               java.util.function.DoubleSupplier loss) {
        double scale = maxAbs(grad);
        assertTrue(scale > 0, what + " gradient is all zeros");
        int[] strong = java.util.stream.IntStream.range(0, grad.length).filter(i -> Math.abs(grad[i]) >= scale / 4)
                .toArray();
        for (int k = 0; k < 8; k++) {
            int i = strong[random.nextInt(strong.length)];
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

    /**
     * An official fixture network (C: stylegan3's StyleGAN2), or a random-init generator with non-zero noise
     * strengths (the init sets them to 0, which would hide the noise gradients).
     */
    private static ImportedGenerator generator(String config) {
        if (config.startsWith("stylegan")) {
            return Importers.importFile(Fixtures.path("fixtures/" + config + "/network-snapshot.pkl"));
        }
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

    /** noise_b16_conv0 → b16.conv0, the layer's name in the official network. */
    private static String layer(String noiseInput) {
        return noiseInput.substring("noise_".length()).replace('_', '.');
    }
}
