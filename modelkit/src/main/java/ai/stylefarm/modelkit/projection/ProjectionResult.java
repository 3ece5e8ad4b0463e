package ai.stylefarm.modelkit.projection;

import java.util.Map;

/**
 * The outcome of one projection, evaluated without the exploration noise on w.
 *
 * @param ws         [1, num_ws, w_dim]: the projected latent, one row per layer (identical rows in space w)
 * @param noise      the final noise maps by noise input name, each [R, R]
 * @param img        [1, C, H, W] raw rendering of ws with those maps
 * @param mse        mean squared error of img against the target on the raw [-1, 1] scale, the step graph's loss
 * @param distance   the deepfake check's distance (latent atypicality and half-resolution residual)
 * @param steps      optimisation steps run
 * @param millis     wall time of the optimisation
 */
public record ProjectionResult(float[] ws, Map<String, float[]> noise, float[] img, double mse,
                               DetectionDistance distance, int steps, long millis) {

    /** Peak signal-to-noise ratio in dB for the [-1, 1] range (peak-to-peak 2). */
    public double psnr() {
        return 10 * Math.log10(4 / mse);
    }
}
