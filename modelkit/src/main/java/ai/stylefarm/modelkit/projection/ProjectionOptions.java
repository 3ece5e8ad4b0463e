package ai.stylefarm.modelkit.projection;

/**
 * What a projection optimises and for how long. The schedule constants are projector.py's defaults.
 *
 * @param steps         optimisation steps (1000)
 * @param space         one w broadcast to every layer, or one w per layer
 * @param optimizeNoise optimise the noise maps too (with the regulariser), else keep the model's constant maps
 * @param seed          seeds the initial noise maps and the noise added to w (303)
 */
public record ProjectionOptions(int steps, LatentSpace space, boolean optimizeNoise, long seed) {
    public static final int DEFAULT_STEPS = 1000;
    public static final long DEFAULT_SEED = 303;
    /** Samples for the w_avg / w_std estimate, drawn from numpy's RandomState(123) as projector.py does. */
    public static final int W_STATS_SAMPLES = 10_000;
    public static final long W_STATS_SEED = 123;
    static final double INITIAL_LEARNING_RATE = 0.1;
    static final double INITIAL_NOISE_FACTOR = 0.05;
    static final double NOISE_RAMP_LENGTH = 0.75;
    static final double LR_RAMPDOWN_LENGTH = 0.25;
    static final double LR_RAMPUP_LENGTH = 0.05;
    static final double REGULARIZE_NOISE_WEIGHT = 1e5;

    /** w: one w for all layers; w_plus: one per layer. */
    public enum LatentSpace { W, W_PLUS }

    public ProjectionOptions {
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be at least 1, got " + steps);
        }
    }

    public static ProjectionOptions defaults() {
        return new ProjectionOptions(DEFAULT_STEPS, LatentSpace.W, true, DEFAULT_SEED);
    }

    /** Learning rate at step {@code step}: linear ramp-up over the first 5 %, cosine ramp-down over the last 25 %. */
    double learningRate(int step) {
        double t = (double) step / steps;
        double ramp = Math.min(1.0, (1.0 - t) / LR_RAMPDOWN_LENGTH);
        ramp = 0.5 - 0.5 * Math.cos(ramp * Math.PI);
        ramp *= Math.min(1.0, t / LR_RAMPUP_LENGTH);
        return INITIAL_LEARNING_RATE * ramp;
    }

    /** Standard deviation of the noise added to w at {@code step}: quadratic decay to 0 at 75 % of the steps. */
    double wNoiseScale(int step, double wStd) {
        double t = (double) step / steps;
        return wStd * INITIAL_NOISE_FACTOR * Math.pow(Math.max(0.0, 1.0 - t / NOISE_RAMP_LENGTH), 2);
    }
}
