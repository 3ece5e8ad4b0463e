package ai.stylefarm.modelkit.stylegan;

import ai.stylefarm.modelkit.onnx.Graph;
import java.util.List;

/**
 * A StyleGAN2 generator (NVIDIA's {@code Generator}): the mapping and synthesis networks, validated against the
 * config on construction, each able to emit its ONNX graph.
 */
public final class StyleGan2 {
    private final GeneratorConfig config;
    private final MappingNetwork mapping;
    private final SynthesisNetwork synthesis;

    public StyleGan2(GeneratorConfig config, StateDict weights) {
        this.config = config;
        this.mapping = new MappingNetwork(config, weights);
        this.synthesis = new SynthesisNetwork(config, weights);
    }

    public GeneratorConfig config() {
        return config;
    }

    public Tensor wAvg() {
        return mapping.wAvg();
    }

    public List<SynthesisNetwork.NoiseInput> noiseInputs() {
        return synthesis.noiseInputs();
    }

    public Graph mappingGraph() {
        return mapping.buildGraph();
    }

    public Graph synthesisGraph() {
        return synthesis.buildGraph();
    }
}
