package ai.stylefarm.modelkit.projection;

import ai.stylefarm.modelkit.inference.GeneratorSession;
import ai.stylefarm.modelkit.inference.NumpyRandomState;

/**
 * Where projection starts and how far it explores: the mean of w over many mapped z, and the root mean squared
 * distance of those w from it. Drawn exactly as projector.py draws them (numpy's RandomState(123), 10,000 z), so
 * the start point is NVIDIA's.
 *
 * @param wAvg [w_dim]
 * @param wStd scalar spread over all coordinates
 */
public record LatentStats(float[] wAvg, double wStd) {
    private static final int CHUNK = 1000;

    public static LatentStats estimate(GeneratorSession session) {
        return estimate(session, ProjectionOptions.W_STATS_SAMPLES, ProjectionOptions.W_STATS_SEED);
    }

    static LatentStats estimate(GeneratorSession session, int samples, long seed) {
        var m = session.manifest();
        if (m.cDim() > 0) {
            throw new IllegalArgumentException("model " + m.name() + " is conditional; projection needs an "
                    + "unconditional model (projector.py maps z without a class)");
        }
        int zDim = m.zDim();
        int wDim = m.wDim();
        NumpyRandomState rng = new NumpyRandomState(seed);
        float[] w = new float[samples * wDim];
        for (int start = 0; start < samples; start += CHUNK) {
            int n = Math.min(CHUNK, samples - start);
            double[] z64 = rng.randn(n * zDim);
            float[] z = new float[z64.length];
            for (int i = 0; i < z.length; i++) {
                z[i] = (float) z64[i];
            }
            System.arraycopy(session.map(z, null, n), 0, w, start * wDim, n * wDim);
        }
        double[] sum = new double[wDim];
        for (int i = 0; i < w.length; i++) {
            sum[i % wDim] += w[i];
        }
        float[] avg = new float[wDim];
        for (int j = 0; j < wDim; j++) {
            avg[j] = (float) (sum[j] / samples);
        }
        double sq = 0;
        for (int i = 0; i < w.length; i++) {
            double d = w[i] - avg[i % wDim];
            sq += d * d;
        }
        return new LatentStats(avg, Math.sqrt(sq / samples));
    }
}
