package ai.stylefarm.modelkit.stylegan;

import ai.stylefarm.modelkit.onnx.Ops;
import java.util.OptionalDouble;

/** Modulated 1×1 convolution to image channels, without demodulation, then bias and clamp (no activation). */
public record ToRGBLayer(String name, int inChannels, int imgChannels, FullyConnectedLayer affine, Tensor weight,
                         Tensor bias, OptionalDouble convClamp) {

    static ToRGBLayer load(StateDict sd, String prefix, int in, int imgChannels, int wDim, OptionalDouble convClamp) {
        return new ToRGBLayer(prefix.replace("synthesis.", ""), in, imgChannels,
                FullyConnectedLayer.load(sd, prefix + ".affine", wDim, in, 1.0, false),
                sd.require(prefix + ".weight", imgChannels, in, 1, 1),
                sd.require(prefix + ".bias", imgChannels),
                convClamp);
    }

    /** x [N, I, R, R], w [N, w_dim] → [N, C, R, R]. */
    public String forward(Ops ops, String x, String w) {
        var g = ops.graph();
        float weightGain = (float) (1 / Math.sqrt(inChannels));
        String styles = ops.mul(affine.forward(ops, w, name + ".affine"), g.scalar(name + ".weight_gain", weightGain),
                name + ".styles"); // [N, I]
        String modulated = ops.mul(x, ops.unsqueeze(styles, name + ".styles4d", 2, 3), name + ".modulated");
        String y = ops.conv(modulated, g.constant(name + ".weight", weight), 0, 1, name + ".conv");
        y = ops.add(y, g.constant(name + ".bias", bias.reshape(1, imgChannels, 1, 1)), name + ".biased");
        return convClamp.isPresent() ? ops.clamp(y, (float) convClamp.getAsDouble(), name + ".clamp") : y;
    }
}
