package ai.stylefarm.modelkit.stylegan;

import ai.stylefarm.modelkit.onnx.Ops;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One resolution of the 'skip' synthesis network. The 4×4 block starts from a learned constant and has a single
 * conv; every other block upsamples with conv0. Each block adds its toRGB output to the upsampled running image.
 *
 * @param firstWsIndex index of the first w this block reads; it reads numConv() + 1 consecutive ones, the last of
 *                     which (the toRGB's) is also the next block's first
 */
public record SynthesisBlock(int resolution, int firstWsIndex, Optional<Tensor> constInput,
                             Optional<SynthesisLayer> conv0, SynthesisLayer conv1, ToRGBLayer torgb,
                             ResampleFilter resampleFilter, int imgChannels) {

    static SynthesisBlock load(GeneratorConfig cfg, StateDict sd, int res, int firstWsIndex) {
        String prefix = "synthesis.b" + res;
        int out = cfg.channelsAt(res);
        ResampleFilter filter = ResampleFilter.load(sd, prefix + ".resample_filter");
        Optional<Tensor> constInput = Optional.empty();
        Optional<SynthesisLayer> conv0 = Optional.empty();
        if (res == 4) {
            constInput = Optional.of(sd.require(prefix + ".const", out, 4, 4));
        } else {
            int in = cfg.channelsAt(res / 2);
            conv0 = Optional.of(SynthesisLayer.load(sd, prefix + ".conv0", in, out, res, 2, cfg.wDim(), filter,
                    cfg.convClamp()));
        }
        SynthesisLayer conv1 = SynthesisLayer.load(sd, prefix + ".conv1", out, out, res, 1, cfg.wDim(), filter,
                cfg.convClamp());
        ToRGBLayer torgb = ToRGBLayer.load(sd, prefix + ".torgb", out, cfg.imgChannels(), cfg.wDim(), cfg.convClamp());
        return new SynthesisBlock(res, firstWsIndex, constInput, conv0, conv1, torgb, filter, cfg.imgChannels());
    }

    public int numConv() {
        return conv0.isPresent() ? 2 : 1;
    }

    public List<SynthesisLayer> layers() {
        List<SynthesisLayer> layers = new ArrayList<>();
        conv0.ifPresent(layers::add);
        layers.add(conv1);
        return layers;
    }

    /** Result of a block: features [N, C, R, R] and the running image [N, img_channels, R, R]. */
    public record Output(String x, String img) {}

    /** x is null for the first block; img is null for the first block. ws is [N, num_ws, w_dim]. */
    public Output forward(Ops ops, String x, String img, String ws) {
        String name = "b" + resolution;
        int wsIndex = firstWsIndex;
        if (constInput.isPresent()) {
            // [1, C, 4, 4]; the modulation multiply broadcasts it over the batch.
            x = ops.graph().constant(name + ".const", constInput.get().reshape(1, constInput.get().dim(0), 4, 4));
        }
        for (SynthesisLayer layer : layers()) {
            String w = ops.select(ws, 1, wsIndex++, layer.name() + ".w"); // [N, w_dim]
            x = layer.forward(ops, x, w, layer.noiseInputName());
        }
        if (img != null) {
            img = resampleFilter.upsample(ops, img, imgChannels, name + ".img_up");
        }
        String y = torgb.forward(ops, x, ops.select(ws, 1, wsIndex, torgb.name() + ".w"));
        img = img == null ? y : ops.add(img, y, name + ".img");
        return new Output(x, img);
    }
}
