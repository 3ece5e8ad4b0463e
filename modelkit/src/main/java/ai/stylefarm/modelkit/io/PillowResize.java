package ai.stylefarm.modelkit.io;

/**
 * Pillow's {@code Image.resize(size, filter)} for 8-bit images, reproduced operation for operation. The
 * convolution filters (box, bilinear, bicubic, Lanczos) use a kernel widened by the reduction factor, weights
 * normalised per output pixel and rounded to 22-bit fixed point, a horizontal pass into 8-bit, then a vertical
 * pass; nearest takes the source pixel under each output pixel's centre. projector.py prepares its target with
 * Lanczos, so the same upload gives the same target array here as there; the other filters are how images are
 * resized on their way into the wild, which calibration reproduces.
 */
public final class PillowResize {
    private static final int PRECISION_BITS = 32 - 8 - 2;

    /** Pillow's resampling filters, with their kernels' support in source pixels at scale 1. */
    public enum Filter {
        NEAREST(0), BOX(0.5), BILINEAR(1), BICUBIC(2), LANCZOS(3);

        final double support;

        Filter(double support) {
            this.support = support;
        }

        double kernel(double x) {
            double a = Math.abs(x);
            return switch (this) {
                case NEAREST -> throw new IllegalStateException("nearest has no kernel");
                case BOX -> -0.5 < x && x <= 0.5 ? 1.0 : 0.0;
                case BILINEAR -> a < 1 ? 1 - a : 0.0;
                // Pillow's bicubic: Keys' cubic with a = -0.5.
                case BICUBIC -> a < 1 ? ((-0.5 + 2) * a - (-0.5 + 3)) * a * a + 1
                        : a < 2 ? (((a - 5) * a + 8) * a - 4) * -0.5 : 0.0;
                case LANCZOS -> -3 <= x && x < 3 ? sinc(x) * sinc(x / 3) : 0.0;
            };
        }
    }

    private PillowResize() {}

    /** hwc: [h, w, channels] uint8 → [outH, outW, channels], with Lanczos as projector.py resizes. */
    public static byte[] resize(byte[] hwc, int w, int h, int channels, int outW, int outH) {
        return resize(hwc, w, h, channels, outW, outH, Filter.LANCZOS);
    }

    /** hwc: [h, w, channels] uint8 → [outH, outW, channels]. */
    public static byte[] resize(byte[] hwc, int w, int h, int channels, int outW, int outH, Filter filter) {
        if (w == outW && h == outH) {
            return hwc.clone();
        }
        if (filter == Filter.NEAREST) {
            return nearest(hwc, w, h, channels, outW, outH);
        }
        byte[] horizontal = w == outW ? hwc : pass(hwc, w, h, channels, outW, true, filter);
        return h == outH ? horizontal : pass(horizontal, outW, h, channels, outH, false, filter);
    }

    /** Pillow's affine nearest: output pixel x takes source floor((x + 0.5) · in / out). */
    private static byte[] nearest(byte[] src, int w, int h, int channels, int outW, int outH) {
        byte[] out = new byte[outW * outH * channels];
        for (int y = 0; y < outH; y++) {
            int sy = Math.min(h - 1, (int) Math.floor((y + 0.5) * h / outH));
            for (int x = 0; x < outW; x++) {
                int sx = Math.min(w - 1, (int) Math.floor((x + 0.5) * w / outW));
                System.arraycopy(src, (sy * w + sx) * channels, out, (y * outW + x) * channels, channels);
            }
        }
        return out;
    }

    /** One separable pass along x (horizontal) or y, from {@code inSize} to {@code outSize} samples. */
    private static byte[] pass(byte[] src, int w, int h, int channels, int outSize, boolean horizontal,
                               Filter filter) {
        int inSize = horizontal ? w : h;
        double scale = (double) inSize / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = filter.support * filterScale;
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
                k[x] = filter.kernel((x + xmin - center + 0.5) / filterScale);
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

    private static double sinc(double x) {
        if (x == 0.0) {
            return 1.0;
        }
        double px = x * Math.PI;
        return Math.sin(px) / px;
    }
}
