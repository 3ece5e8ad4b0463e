package ai.stylefarm.modelkit.projection;

/**
 * The deepfake check's distance: how far the projection had to go from the model's typical latents, plus how much
 * of the target it still failed to explain at half resolution.
 *
 * <p>Why not the pixel MSE alone: an image the model rendered with noise mode {@code random}, saved as JPEG or
 * resized, keeps per-pixel detail no projection reproduces, so its MSE exceeds that of another model's smooth,
 * low-contrast renders (AUC about 0.5, infra/bench/detection-bench.sh). What does survive is where its latent lies:
 * the model's own images project to a w as typical as the w that made them (about one w_std from w_avg at ψ 1,
 * less when truncated), while images it did not make pull the optimiser two to three w_std away to approach them.
 * The residual term keeps an image the projection cannot approach at all (a flat grey, say, whose w never leaves
 * w_avg) from passing: it is the share of the target's variance at half resolution (2×2 means, which averages
 * away per-pixel noise and JPEG blocks) left unexplained, with a variance floor so that flat targets are not
 * divided by zero.
 *
 * @param latent   ‖w − w_avg‖ / w_std, root mean over layers for w_plus (w_std is projector.py's scalar spread)
 * @param residual MSE(½-res projection, ½-res target) / (variance of the ½-res target + 0.01)
 * @param value    latent + 2 · residual: the distance the verdict and calibration threshold
 */
public record DetectionDistance(double latent, double residual, double value) {
    static final double RESIDUAL_WEIGHT = 2;
    static final double VARIANCE_FLOOR = 0.01;

    /**
     * @param ws     [num_ws, w_dim] the projected latent
     * @param img    [1, C, H, W] its rendering
     * @param target [1, C, H, W] what it was projected onto
     */
    public static DetectionDistance of(float[] ws, LatentStats stats, float[] img, float[] target, int channels,
                                       int resolution) {
        int wDim = stats.wAvg().length;
        int rows = ws.length / wDim;
        double squares = 0;
        for (int i = 0; i < ws.length; i++) {
            double d = ws[i] - stats.wAvg()[i % wDim];
            squares += d * d;
        }
        double latent = Math.sqrt(squares / rows) / stats.wStd();
        float[] t = halfResolution(target, channels, resolution);
        float[] p = halfResolution(img, channels, resolution);
        double mean = 0;
        for (float v : t) {
            mean += v;
        }
        mean /= t.length;
        double variance = 0;
        double mse = 0;
        for (int i = 0; i < t.length; i++) {
            variance += (t[i] - mean) * (t[i] - mean);
            mse += (t[i] - p[i]) * (t[i] - p[i]);
        }
        double residual = (mse / t.length) / (variance / t.length + VARIANCE_FLOOR);
        return new DetectionDistance(latent, residual, latent + RESIDUAL_WEIGHT * residual);
    }

    /** [C, H, W] → [C, H/2, W/2], means of 2×2 blocks. */
    static float[] halfResolution(float[] x, int channels, int resolution) {
        int r = resolution / 2;
        float[] out = new float[channels * r * r];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < 2 * r; y++) {
                for (int xx = 0; xx < 2 * r; xx++) {
                    out[(c * r + y / 2) * r + xx / 2] += x[(c * resolution + y) * resolution + xx] / 4;
                }
            }
        }
        return out;
    }
}
