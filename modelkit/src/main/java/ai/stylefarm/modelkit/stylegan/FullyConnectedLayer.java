package ai.stylefarm.modelkit.stylegan;

import ai.stylefarm.modelkit.onnx.Ops;

/**
 * Equalised-learning-rate dense layer: y = act(x · (W·weightGain)ᵀ + b·biasGain), with weightGain = lr/√in.
 *
 * @param weight     [out, in], as stored
 * @param bias       [out], as stored
 * @param lrMultiplier learning-rate multiplier the weights were trained with
 * @param lrelu      leaky ReLU with gain √2 after the bias, else linear
 */
public record FullyConnectedLayer(Tensor weight, Tensor bias, double lrMultiplier, boolean lrelu) {

    static FullyConnectedLayer load(StateDict sd, String prefix, int in, int out, double lrMultiplier, boolean lrelu) {
        return new FullyConnectedLayer(
                sd.require(prefix + ".weight", out, in), sd.require(prefix + ".bias", out), lrMultiplier, lrelu);
    }

    public int inFeatures() {
        return weight.dim(1);
    }

    public int outFeatures() {
        return weight.dim(0);
    }

    /** [N, in] → [N, out]. */
    public String forward(Ops ops, String x, String name) {
        float weightGain = (float) (lrMultiplier / Math.sqrt(inFeatures()));
        String w = ops.graph().constant(name + ".weight_t", transposedScaled(weightGain)); // [in, out]
        String b = ops.graph().constant(name + ".bias", bias.scaled((float) lrMultiplier)); // [out]
        String y = ops.add(ops.matMul(x, w, name + ".matmul"), b, name + ".biased");
        return lrelu ? ops.leakyReluWithGain(y, (float) Math.sqrt(2), name) : y;
    }

    private Tensor transposedScaled(float gain) {
        int out = outFeatures();
        int in = inFeatures();
        float[] src = weight.data();
        float[] dst = new float[src.length];
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                dst[i * out + o] = src[o * in + i] * gain;
            }
        }
        return new Tensor(new int[] {in, out}, dst);
    }
}
