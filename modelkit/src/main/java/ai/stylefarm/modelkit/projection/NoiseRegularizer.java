package ai.stylefarm.modelkit.projection;

/**
 * projector.py's noise regulariser for one square map: over a pyramid of 2×2 average poolings down to 8×8, the sum
 * of squared mean products of the map with itself shifted by one pixel (with wrap-around) horizontally and
 * vertically. It penalises spatial autocorrelation, so the noise cannot smuggle the image's content.
 */
final class NoiseRegularizer {
    private NoiseRegularizer() {}

    /** Returns the loss and adds loss × {@code weight}'s gradient into {@code grad}. map and grad are [r, r]. */
    static double lossAndGradient(float[] map, int r, double weight, float[] grad) {
        return level(map, r, weight, grad);
    }

    private static double level(float[] n, int r, double weight, float[] grad) {
        int size = r * r;
        double a = 0;
        double b = 0;
        for (int y = 0; y < r; y++) {
            for (int x = 0; x < r; x++) {
                float v = n[y * r + x];
                a += v * n[y * r + (x + r - 1) % r];
                b += v * n[((y + r - 1) % r) * r + x];
            }
        }
        a /= size;
        b /= size;
        double loss = a * a + b * b;
        // d(a²)/dn[y,x] = 2a · (n[y,x−1] + n[y,x+1]) / size; likewise for b along y.
        for (int y = 0; y < r; y++) {
            for (int x = 0; x < r; x++) {
                double da = n[y * r + (x + r - 1) % r] + n[y * r + (x + 1) % r];
                double db = n[((y + r - 1) % r) * r + x] + n[((y + 1) % r) * r + x];
                grad[y * r + x] += (float) (weight * 2 * (a * da + b * db) / size);
            }
        }
        if (r <= 8) {
            return loss;
        }
        int h = r / 2;
        float[] pooled = new float[h * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < h; x++) {
                pooled[y * h + x] = (n[2 * y * r + 2 * x] + n[2 * y * r + 2 * x + 1] + n[(2 * y + 1) * r + 2 * x]
                        + n[(2 * y + 1) * r + 2 * x + 1]) / 4f;
            }
        }
        float[] pooledGrad = new float[h * h];
        loss += level(pooled, h, weight, pooledGrad);
        for (int y = 0; y < r; y++) {
            for (int x = 0; x < r; x++) {
                grad[y * r + x] += pooledGrad[(y / 2) * h + x / 2] / 4f;
            }
        }
        return loss;
    }

    /** In place: zero mean, unit second moment, as projector.py renormalises after every step. */
    static void normalize(float[] map) {
        double mean = 0;
        for (float v : map) {
            mean += v;
        }
        mean /= map.length;
        double sq = 0;
        for (int i = 0; i < map.length; i++) {
            map[i] -= (float) mean;
            sq += (double) map[i] * map[i];
        }
        if (sq == 0) {
            return; // a constant map (all zeros now) has no scale to normalise
        }
        float scale = (float) (1 / Math.sqrt(sq / map.length));
        for (int i = 0; i < map.length; i++) {
            map[i] *= scale;
        }
    }
}
