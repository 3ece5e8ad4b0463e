package ai.stylefarm.modelkit.stylegan;

import ai.stylefarm.modelkit.onnx.Graph;
import ai.stylefarm.modelkit.onnx.Ops;
import java.util.ArrayList;
import java.util.List;

/** ws [N, num_ws, w_dim] and one noise map per conv layer → img [N, C, H, W]. */
public final class SynthesisNetwork {

    /** A noise input of the synthesis graph and the model's constant map for it. */
    public record NoiseInput(String name, int resolution, Tensor constMap) {}

    private final GeneratorConfig config;
    private final List<SynthesisBlock> blocks = new ArrayList<>();

    public SynthesisNetwork(GeneratorConfig config, StateDict sd) {
        this.config = config;
        int wsIndex = 0;
        for (int res : config.blockResolutions()) {
            SynthesisBlock block = SynthesisBlock.load(config, sd, res, wsIndex);
            blocks.add(block);
            wsIndex += block.numConv();
        }
    }

    public List<SynthesisBlock> blocks() {
        return blocks;
    }

    public List<NoiseInput> noiseInputs() {
        List<NoiseInput> out = new ArrayList<>();
        for (SynthesisBlock block : blocks) {
            for (SynthesisLayer layer : block.layers()) {
                out.add(new NoiseInput(layer.noiseInputName(), layer.resolution(), layer.noiseConst()));
            }
        }
        return out;
    }

    public GeneratorConfig config() {
        return config;
    }

    public Graph buildGraph() {
        Graph g = new Graph("synthesis");
        String img = forward(new Ops(g), "N");
        g.output(img, "img", "N", config.imgChannels(), config.resolution(), config.resolution());
        return g;
    }

    /**
     * Declares the inputs {@code ws} [batch, num_ws, w_dim] and one noise map [batch, 1, R, R] per conv layer, adds
     * the synthesis nodes and returns the image value [batch, C, H, W]. {@code batch} is a size or a symbolic name.
     */
    public String forward(Ops ops, Object batch) {
        Graph g = ops.graph();
        String ws = g.input("ws", batch, config.numWs(), config.wDim());
        for (NoiseInput noise : noiseInputs()) {
            g.input(noise.name(), batch, 1, noise.resolution(), noise.resolution());
        }
        SynthesisBlock.Output out = new SynthesisBlock.Output(null, null);
        for (SynthesisBlock block : blocks) {
            out = block.forward(ops, out.x(), out.img(), ws);
        }
        return out.img();
    }
}
