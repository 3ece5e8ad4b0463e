package ai.stylefarm.modelkit.video;

/**
 * Integer nearest-neighbour magnification of RGB frames. yuv420p keeps one colour sample per 2×2 pixels, which
 * smears the per-pixel colour detail of small generators (a random-init or 64 px model loses ~4 dB PSNR to it
 * even losslessly encoded); magnified ×2, each colour sample covers exactly one generated pixel, so no colour is
 * lost, and small renders are easier to watch anyway.
 */
public final class PixelScale {
    private PixelScale() {
    }

    /** The factor used when a job leaves it open: ×2 up to 256 px frames, else none. */
    public static int auto(int width, int height) {
        return Math.max(width, height) <= 256 ? 2 : 1;
    }

    /** [height, width, 3] → [height·factor, width·factor, 3]. */
    public static byte[] nearest(byte[] rgb, int width, int height, int factor) {
        if (factor == 1) {
            return rgb;
        }
        if (factor < 1) {
            throw new IllegalArgumentException("scale must be at least 1, was " + factor);
        }
        int outWidth = width * factor;
        byte[] out = new byte[rgb.length * factor * factor];
        for (int y = 0; y < height; y++) {
            int row = y * factor * outWidth * 3;
            for (int x = 0; x < width; x++) {
                int src = (y * width + x) * 3;
                for (int k = 0; k < factor; k++) {
                    System.arraycopy(rgb, src, out, row + (x * factor + k) * 3, 3);
                }
            }
            for (int k = 1; k < factor; k++) {
                System.arraycopy(out, row, out, row + k * outWidth * 3, outWidth * 3);
            }
        }
        return out;
    }
}
