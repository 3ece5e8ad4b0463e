package ai.stylefarm.modelkit.inference;

/** z for a seed, and truncation of w, exactly as NVIDIA's generate.py and MappingNetwork do them. */
public final class Latents {
    /** Offset that separates the random-noise stream of a seed from its z stream. */
    private static final long NOISE_STREAM = 0x9E3779B9L;

    private Latents() {}

    /** {@code np.random.RandomState(seed).randn(1, zDim)}, cast to float32 like the mapping network does. */
    public static float[] z(long seed, int zDim) {
        double[] z = new NumpyRandomState(seed).randn(zDim);
        float[] out = new float[zDim];
        for (int i = 0; i < zDim; i++) {
            out[i] = (float) z[i];
        }
        return out;
    }

    /** A generator for the {@code random} noise maps of the image with this seed. */
    public static NumpyRandomState noiseStream(long seed) {
        return new NumpyRandomState((seed + NOISE_STREAM) & 0xffffffffL);
    }

    /** One-hot label for {@code classIdx}, as generate.py builds it. */
    public static float[] oneHot(int classIdx, int cDim) {
        if (classIdx < 0 || classIdx >= cDim) {
            throw new IllegalArgumentException("class index must be in [0, " + cDim + "), got " + classIdx);
        }
        float[] c = new float[cDim];
        c[classIdx] = 1f;
        return c;
    }

    /**
     * Broadcasts w [wDim] to ws [numWs, wDim] and pulls the first {@code cutoff} rows (all when cutoff is null)
     * towards w_avg by ψ, with torch.lerp's formula so the float32 result matches.
     */
    public static float[] broadcastTruncated(float[] w, float[] wAvg, int numWs, float psi, Integer cutoff) {
        int wDim = w.length;
        float[] ws = new float[numWs * wDim];
        int truncatedRows = psi == 1f ? 0 : cutoff == null ? numWs : Math.min(cutoff, numWs);
        for (int row = 0; row < numWs; row++) {
            for (int k = 0; k < wDim; k++) {
                ws[row * wDim + k] = row < truncatedRows ? lerp(wAvg[k], w[k], psi) : w[k];
            }
        }
        return ws;
    }

    static float lerp(float start, float end, float weight) {
        float diff = end - start;
        return Math.abs(weight) < 0.5f ? start + weight * diff : end - diff * (1f - weight);
    }
}
