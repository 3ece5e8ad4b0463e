package ai.stylefarm.modelkit.inference;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.stylefarm.modelkit.bundle.BundleException;
import ai.stylefarm.modelkit.bundle.ModelBundle;
import ai.stylefarm.modelkit.bundle.ModelManifest;
import ai.stylefarm.modelkit.stylegan.ProjectionStep;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A bundle's {@code projection_step.onnx} in ONNX Runtime: one call renders ws and the noise maps, scores the image
 * against the target and returns the loss's gradients. The target is fixed per session, as it is per projection.
 */
public final class ProjectionSession implements AutoCloseable {
    /** One step's outputs; noise gradients are keyed by noise input name, each [R, R]. */
    public record StepResult(float loss, float[] gradWs, Map<String, float[]> gradNoise, float[] img) {}

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final ModelManifest manifest;
    private final OrtSession session;
    private final OnnxTensor target;
    private final float[] targetValues;

    private ProjectionSession(ModelManifest manifest, OrtSession session, OnnxTensor target, float[] targetValues) {
        this.manifest = manifest;
        this.session = session;
        this.target = target;
        this.targetValues = targetValues;
    }

    /** target: [1, C, H, W] on the raw [-1, 1] scale. */
    public static ProjectionSession open(ModelBundle bundle, SessionSettings settings, float[] target) {
        ModelManifest m = bundle.manifest();
        if (!bundle.hasProjectionStep()) {
            throw new BundleException("model " + m.name() + " has no " + ModelBundle.PROJECTION_STEP
                    + "; upgrade the bundle (farm models upgrade)");
        }
        int expected = m.imgChannels() * m.resolution() * m.resolution();
        if (target.length != expected) {
            throw new IllegalArgumentException("target has " + target.length + " values, model needs " + expected);
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = GeneratorSession.options(settings,
                GeneratorSession.wantsCuda(settings.device()))) {
            // The memory pattern plans one block for every intermediate at once; a step graph keeps all forward
            // activations for the backward pass, so that block is large. Without it the paper256 step peaks at
            // 1.4 GB of RSS instead of 2.0 GB, at the same speed (./farm bench-projection).
            options.setMemoryPatternOptimization(false);
            float[] values = target.clone();
            OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(values),
                    new long[] {1, m.imgChannels(), m.resolution(), m.resolution()});
            try {
                return new ProjectionSession(m, env.createSession(bundle.file(ModelBundle.PROJECTION_STEP).toString(),
                        options), t, values);
            } catch (OrtException | RuntimeException e) {
                t.close();
                throw e;
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime could not load " + bundle.file(ModelBundle.PROJECTION_STEP)
                    + ": " + e.getMessage(), e);
        }
    }

    /** [1, C, H, W] on the raw [-1, 1] scale: what every step compares with. */
    public float[] target() {
        return targetValues.clone();
    }

    public ModelManifest manifest() {
        return manifest;
    }

    /** ws [1, num_ws, w_dim]; noise: every noise input by name, [R, R]. */
    public StepResult step(float[] ws, Map<String, float[]> noise) {
        Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
        try {
            inputs.put(ProjectionStep.WS, OnnxTensor.createTensor(env, FloatBuffer.wrap(ws),
                    new long[] {1, manifest.numWs(), manifest.wDim()}));
            for (ModelManifest.NoiseSpec spec : manifest.noiseInputs()) {
                float[] map = noise.get(spec.name());
                if (map == null) {
                    throw new IllegalArgumentException("no noise map for " + spec.name());
                }
                inputs.put(spec.name(), OnnxTensor.createTensor(env, FloatBuffer.wrap(map),
                        new long[] {1, 1, spec.resolution(), spec.resolution()}));
            }
            inputs.put(ProjectionStep.TARGET, target);
            try (OrtSession.Result r = session.run(inputs)) {
                Map<String, float[]> gradNoise = new LinkedHashMap<>();
                for (ModelManifest.NoiseSpec spec : manifest.noiseInputs()) {
                    gradNoise.put(spec.name(), floats(r, ProjectionStep.gradientOutput(spec.name())));
                }
                return new StepResult(floats(r, ProjectionStep.LOSS)[0], floats(r, ProjectionStep.GRAD_WS), gradNoise,
                        floats(r, ProjectionStep.IMG));
            }
        } catch (OrtException e) {
            throw new IllegalStateException("projection step failed: " + e.getMessage(), e);
        } finally {
            inputs.forEach((name, t) -> {
                if (t != target) {
                    t.close();
                }
            });
        }
    }

    private static float[] floats(OrtSession.Result r, String name) {
        FloatBuffer buf = ((OnnxTensor) r.get(name).orElseThrow()).getFloatBuffer();
        float[] out = new float[buf.remaining()];
        buf.get(out);
        return out;
    }

    @Override
    public void close() {
        target.close();
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("closing the projection session: " + e.getMessage(), e);
        }
    }
}
