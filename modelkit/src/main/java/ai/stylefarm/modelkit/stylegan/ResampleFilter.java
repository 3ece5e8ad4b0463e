package ai.stylefarm.modelkit.stylegan;

import ai.stylefarm.modelkit.onnx.Ops;

/**
 * The 2-D FIR low-pass filter used around every 2× upsampling (outer product of [1,3,3,1], normalised to sum 1),
 * applied per channel as in NVIDIA's {@code upfirdn2d}. The taps come from the model's {@code resample_filter}
 * buffer rather than being assumed.
 *
 * @param taps [4, 4]
 */
public record ResampleFilter(Tensor taps) {
    private static final int UP = 2;

    public ResampleFilter {
        if (taps.rank() != 2 || taps.dim(0) != 4 || taps.dim(1) != 4) {
            throw new IllegalArgumentException("resample filter must be 4x4, got " + taps.shapeString());
        }
    }

    /** outer([1, 3, 3, 1]) / 64, the filter of every released StyleGAN2. */
    public static Tensor standardTaps() {
        float[] k = {1, 3, 3, 1};
        float[] f = new float[16];
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                f[i * 4 + j] = k[i] * k[j] / 64f;
            }
        }
        return new Tensor(new int[] {4, 4}, f);
    }

    static ResampleFilter load(StateDict sd, String key) {
        return new ResampleFilter(sd.require(key, 4, 4));
    }

    /**
     * upfirdn2d without up/down sampling: pad by 1 on every side, then convolve (true convolution) with the
     * filter times {@code gain}. [N, C, H, W] → [N, C, H−1, W−1]: after the stride-2 transposed conv this brings
     * its 2H+1 output to 2H.
     */
    public String filter(Ops ops, String x, int channels, float gain, String name) {
        // upfirdn2d convolves; ONNX Conv correlates, so the kernel is flipped.
        String kernel = ops.graph().constant(name + ".fir", depthwise(channels, gain, true)); // [C, 1, 4, 4]
        return ops.conv(x, kernel, 1, channels, name);
    }

    /**
     * upsample2d: zero-insertion 2× upsampling, padding (2, 1), then the filter times 4. Expressed as one depthwise
     * transposed conv with stride 2 and padding 1, which computes the same sums without the zeros.
     * [N, C, H, W] → [N, C, 2H, 2W].
     */
    public String upsample(Ops ops, String x, int channels, String name) {
        // Transposed conv scatters x[i]·k[p − 2i + 1]; upfirdn2d gathers x[i]·f[p − 2i + 1]; equal when k = f.
        String kernel = ops.graph().constant(name + ".fir", depthwise(channels, UP * UP, false)); // [C, 1, 4, 4]
        return ops.convTranspose2x(x, kernel, 1, channels, name);
    }

    private Tensor depthwise(int channels, float gain, boolean flip) {
        float[] f = taps.data();
        float[] out = new float[channels * 16];
        for (int c = 0; c < channels; c++) {
            for (int i = 0; i < 16; i++) {
                out[c * 16 + i] = f[flip ? 15 - i : i] * gain;
            }
        }
        return new Tensor(new int[] {channels, 1, 4, 4}, out);
    }
}
