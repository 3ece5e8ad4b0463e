package ai.stylefarm.modelkit.stylegan;

import ai.stylefarm.modelkit.onnx.Ops;
import java.util.OptionalDouble;

/**
 * Modulated 3×3 convolution with weight demodulation, per-pixel noise, bias, leaky ReLU ×√2 and clamp.
 *
 * <p>The graph scales activations instead of weights: x·s → conv(W) → ·d, with d = 1/√(Σᵢ sᵢ²·Σₖ W²ₒᵢₖ + 1e-8).
 * This is the same function as NVIDIA's grouped "fused" modconv, but keeps one shared weight for the whole batch,
 * so the batch dimension stays dynamic and the convolution runs as one dense GEMM.
 *
 * @param up  1, or 2 for the first layer of a block (transposed conv + FIR)
 */
public record SynthesisLayer(
        String name,
        int inChannels,
        int outChannels,
        int resolution,
        int up,
        FullyConnectedLayer affine,
        Tensor weight,
        Tensor bias,
        float noiseStrength,
        Tensor noiseConst,
        ResampleFilter resampleFilter,
        OptionalDouble convClamp) {

    static SynthesisLayer load(StateDict sd, String prefix, int in, int out, int res, int up, int wDim,
                               ResampleFilter filter, OptionalDouble convClamp) {
        return new SynthesisLayer(
                prefix.replace("synthesis.", ""), in, out, res, up,
                FullyConnectedLayer.load(sd, prefix + ".affine", wDim, in, 1.0, false),
                sd.require(prefix + ".weight", out, in, 3, 3),
                sd.require(prefix + ".bias", out),
                sd.require(prefix + ".noise_strength").data()[0],
                sd.require(prefix + ".noise_const", res, res),
                filter, convClamp);
    }

    /** Name of the graph input that feeds this layer's (unscaled) noise map, [N, 1, R, R]. */
    public String noiseInputName() {
        return "noise_" + name.replace('.', '_');
    }

    /** x [N, I, R/up, R/up], w [N, w_dim], noise [N, 1, R, R] → [N, O, R, R]. */
    public String forward(Ops ops, String x, String w, String noise) {
        var g = ops.graph();
        String styles = affine.forward(ops, w, name + ".affine"); // [N, I]
        String modulated = ops.mul(x, ops.unsqueeze(styles, name + ".styles4d", 2, 3), name + ".modulated");
        String y;
        if (up == 1) {
            y = ops.conv(modulated, g.constant(name + ".weight", weight), 1, 1, name + ".conv"); // [N, O, R, R]
        } else {
            String wT = g.constant(name + ".weight_t", transposeInOut()); // [I, O, 3, 3]
            String wide = ops.convTranspose2x(modulated, wT, 0, 1, name + ".convT"); // [N, O, R+1, R+1]
            y = resampleFilter.filter(ops, wide, outChannels, 4f, name + ".fir"); // [N, O, R, R]
        }
        String dcoefs = demodulationCoefficients(ops, styles); // [N, O]
        y = ops.mul(y, ops.unsqueeze(dcoefs, name + ".dcoefs4d", 2, 3), name + ".demodulated");
        y = ops.add(y, ops.mul(noise, g.scalar(name + ".noise_strength", noiseStrength), name + ".noise"), name + ".noised");
        y = ops.add(y, g.constant(name + ".bias", bias.reshape(1, outChannels, 1, 1)), name + ".biased");
        y = ops.leakyReluWithGain(y, (float) Math.sqrt(2), name + ".act");
        return convClamp.isPresent() ? ops.clamp(y, (float) convClamp.getAsDouble(), name + ".clamp") : y;
    }

    /** 1/√((s²) · Wsqᵀ + 1e-8) with Wsq[o, i] = Σₖ W[o, i, k]²; [N, I] → [N, O]. */
    private String demodulationCoefficients(Ops ops, String styles) {
        var g = ops.graph();
        float[] w = weight.data();
        float[] sumSq = new float[inChannels * outChannels]; // [I, O]
        for (int o = 0; o < outChannels; o++) {
            for (int i = 0; i < inChannels; i++) {
                float s = 0;
                for (int k = 0; k < 9; k++) {
                    float v = w[(o * inChannels + i) * 9 + k];
                    s += v * v;
                }
                sumSq[i * outChannels + o] = s;
            }
        }
        String wsq = g.constant(name + ".weight_sq", new Tensor(new int[] {inChannels, outChannels}, sumSq));
        String energy = ops.matMul(ops.mul(styles, styles, name + ".styles_sq"), wsq, name + ".energy");
        return ops.reciprocalSqrt(ops.add(energy, g.scalar(name + ".eps", 1e-8f), name + ".energy_eps"), name + ".dcoefs");
    }

    /** [O, I, 3, 3] → [I, O, 3, 3], the layout ConvTranspose wants (no flip, as in conv2d_resample). */
    private Tensor transposeInOut() {
        float[] src = weight.data();
        float[] dst = new float[src.length];
        for (int o = 0; o < outChannels; o++) {
            for (int i = 0; i < inChannels; i++) {
                System.arraycopy(src, (o * inChannels + i) * 9, dst, (i * outChannels + o) * 9, 9);
            }
        }
        return new Tensor(new int[] {inChannels, outChannels, 3, 3}, dst);
    }
}
