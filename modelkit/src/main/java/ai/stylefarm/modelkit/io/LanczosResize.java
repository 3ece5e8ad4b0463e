package ai.stylefarm.modelkit.io;

/**
 * Pillow's {@code Image.resize(size, LANCZOS)} for 8-bit images, reproduced operation for operation: a 3-lobe
 * Lanczos kernel widened by the reduction factor, weights normalised per output pixel and rounded to 22-bit fixed
 * point, a horizontal pass into 8-bit, then a vertical pass. projector.py prepares its target this way, so the
 * same upload gives the same target array here as there.
 */
public final class LanczosResize {
    private static final int PRECISION_BITS = 32 - 8 - 2;
    private static final double SUPPORT = 3.0;

    private LanczosResize() {}

    /** hwc: [h, w, channels] uint8 → [outH, outW, channels]. */
    public static byte[] resize(byte[] hwc, int w, int h, int channels, int outW, int outH) {
        if (w == outW && h == outH) {
            return hwc.clone();
        }
        byte[] horizontal = w == outW ? hwc : pass(hwc, w, h, channels, outW, true);
        return h == outH ? horizontal : pass(horizontal, outW, h, channels, outH, false);
    }

    /** One separable pass along x (horizontal) or y, from {@code inSize} to {@code outSize} samples. */
    private static byte[] pass(byte[] src, int w, int h, int channels, int outSize, boolean horizontal) {
        int inSize = horizontal ? w : h;
        double scale = (double) inSize / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = SUPPORT * filterScale;
        int ksize = (int) Math.ceil(support) * 2 + 1;
        int[] bounds = new int[outSize * 2];
        int[] kk = new int[outSize * ksize];
        for (int xx = 0; xx < outSize; xx++) {
            double center = (xx + 0.5) * scale;
            int xmin = Math.max((int) (center - support + 0.5), 0);
            int xmax = Math.min((int) (center + support + 0.5), inSize) - xmin;
            double[] k = new double[xmax];
            double ww = 0;
            for (int x = 0; x < xmax; x++) {
                k[x] = lanczos((x + xmin - center + 0.5) / filterScale);
                ww += k[x];
            }
            for (int x = 0; x < xmax; x++) {
                double v = ww != 0 ? k[x] / ww : k[x];
                kk[xx * ksize + x] = (int) (v < 0 ? -0.5 + v * (1 << PRECISION_BITS) : 0.5 + v * (1 << PRECISION_BITS));
            }
            bounds[2 * xx] = xmin;
            bounds[2 * xx + 1] = xmax;
        }
        int outW = horizontal ? outSize : w;
        int outH = horizontal ? h : outSize;
        byte[] out = new byte[outW * outH * channels];
        for (int y = 0; y < outH; y++) {
            for (int x = 0; x < outW; x++) {
                int xx = horizontal ? x : y;
                int xmin = bounds[2 * xx];
                int xmax = bounds[2 * xx + 1];
                for (int c = 0; c < channels; c++) {
                    int ss = 1 << (PRECISION_BITS - 1);
                    for (int i = 0; i < xmax; i++) {
                        int sx = horizontal ? xmin + i : x;
                        int sy = horizontal ? y : xmin + i;
                        ss += (src[(sy * w + sx) * channels + c] & 0xff) * kk[xx * ksize + i];
                    }
                    out[(y * outW + x) * channels + c] = clip8(ss);
                }
            }
        }
        return out;
    }

    private static byte clip8(int v) {
        int shifted = v >> PRECISION_BITS;
        return (byte) (shifted < 0 ? 0 : Math.min(shifted, 255));
    }

    private static double lanczos(double x) {
        return -SUPPORT <= x && x < SUPPORT ? sinc(x) * sinc(x / SUPPORT) : 0.0;
    }

    private static double sinc(double x) {
        if (x == 0.0) {
            return 1.0;
        }
        double px = x * Math.PI;
        return Math.sin(px) / px;
    }
}
