package ai.stylefarm.modelkit.projection;

import ai.stylefarm.modelkit.bundle.ModelManifest;
import ai.stylefarm.modelkit.inference.ProjectionSession;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Finds the latent (and noise) whose rendering best matches a target image, on NVIDIA's projector.py schedule:
 * start at w_avg, explore with Gaussian noise on w that decays to nothing at 75 % of the steps, Adam with a
 * learning rate ramped up over 5 % and down by a cosine over the last 25 %, noise maps optimised under the
 * autocorrelation regulariser (weight 1e5) and renormalised after every step. The image term is the pixel MSE that
 * {@code projection_step.onnx} computes with its exact gradient (projector.py uses VGG16 features, whose weights
 * cannot be fetched here). Random draws come from {@link java.util.Random} seeded with the options' seed, so a
 * projection is repeatable, though its draws are not torch's.
 *
 * <p>One departure: optimised noise maps start from the model's stored constant maps (renormalised), not from
 * fresh Gaussian noise. Images in the wild come from generate.py, whose default noise mode renders with exactly
 * those maps; from a random start the optimiser does not find its way back to them within 1000 steps (on the
 * fixture network an image the model made reconstructs at MSE 0.011 from a random start, 0.0006 from the stored
 * maps, against 0.036 for a photograph), and that gap is what a deepfake verdict rests on.
 */
public final class Projector {

    /** Sees every step; may throw to abandon the projection (cancellation). */
    @FunctionalInterface
    public interface StepListener {
        void onStep(int step, double loss, float[] img);
    }

    private final ProjectionSession session;
    private final LatentStats stats;
    private final Map<String, float[]> constNoise;

    /** constNoise: the bundle's stored maps by input name, used when noise is not optimised. */
    public Projector(ProjectionSession session, LatentStats stats, Map<String, float[]> constNoise) {
        this.session = session;
        this.stats = stats;
        this.constNoise = constNoise;
    }

    public ProjectionResult project(ProjectionOptions options, StepListener listener) {
        ModelManifest m = session.manifest();
        int numWs = m.numWs();
        int wDim = m.wDim();
        boolean perLayer = options.space() == ProjectionOptions.LatentSpace.W_PLUS;
        Random random = new Random(options.seed());

        float[] w = new float[(perLayer ? numWs : 1) * wDim];
        for (int i = 0; i < w.length; i++) {
            w[i] = stats.wAvg()[i % wDim];
        }
        Adam wAdam = new Adam(w.length);
        Map<String, float[]> noise = new LinkedHashMap<>();
        List<Adam> noiseAdams = new ArrayList<>();
        for (ModelManifest.NoiseSpec spec : m.noiseInputs()) {
            int size = spec.resolution() * spec.resolution();
            float[] map;
            if (options.optimizeNoise()) {
                map = constNoise.get(spec.name()).clone();
                NoiseRegularizer.normalize(map);
                noiseAdams.add(new Adam(size));
            } else {
                map = constNoise.get(spec.name()).clone();
            }
            noise.put(spec.name(), map);
        }

        long start = System.nanoTime();
        float[] ws = new float[numWs * wDim];
        for (int step = 0; step < options.steps(); step++) {
            double scale = options.wNoiseScale(step, stats.wStd());
            float[] noisy = w.clone();
            for (int i = 0; i < noisy.length; i++) {
                noisy[i] += (float) (random.nextGaussian() * scale);
            }
            broadcast(noisy, ws, wDim);
            ProjectionSession.StepResult r = session.step(ws, noise);
            double lr = options.learningRate(step);
            wAdam.step(w, perLayer ? r.gradWs() : sumRows(r.gradWs(), numWs, wDim), lr);
            double loss = r.loss();
            if (options.optimizeNoise()) {
                int k = 0;
                for (ModelManifest.NoiseSpec spec : m.noiseInputs()) {
                    float[] map = noise.get(spec.name());
                    float[] grad = r.gradNoise().get(spec.name()).clone();
                    loss += ProjectionOptions.REGULARIZE_NOISE_WEIGHT * NoiseRegularizer.lossAndGradient(map,
                            spec.resolution(), ProjectionOptions.REGULARIZE_NOISE_WEIGHT, grad);
                    noiseAdams.get(k++).step(map, grad, lr);
                    NoiseRegularizer.normalize(map);
                }
            }
            if (listener != null) {
                listener.onStep(step, loss, r.img());
            }
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        broadcast(w, ws, wDim);
        ProjectionSession.StepResult fin = session.step(ws, noise);
        DetectionDistance distance = DetectionDistance.of(ws, stats, fin.img(), session.target(), m.imgChannels(),
                m.resolution());
        return new ProjectionResult(ws.clone(), noise, fin.img(), fin.loss(), distance, options.steps(), millis);
    }

    /** Fills every row of ws [num_ws, w_dim] from w ([w_dim], or already [num_ws, w_dim]). */
    private static void broadcast(float[] w, float[] ws, int wDim) {
        if (w.length == ws.length) {
            System.arraycopy(w, 0, ws, 0, w.length);
            return;
        }
        for (int row = 0; row < ws.length / wDim; row++) {
            System.arraycopy(w, 0, ws, row * wDim, wDim);
        }
    }

    /** The gradient of a w shared by every layer: the sum of the per-layer gradients. */
    private static float[] sumRows(float[] gradWs, int numWs, int wDim) {
        float[] out = new float[wDim];
        for (int row = 0; row < numWs; row++) {
            for (int j = 0; j < wDim; j++) {
                out[j] += gradWs[row * wDim + j];
            }
        }
        return out;
    }
}
