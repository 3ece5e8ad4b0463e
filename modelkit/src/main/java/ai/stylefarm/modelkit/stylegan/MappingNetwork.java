package ai.stylefarm.modelkit.stylegan;

import ai.stylefarm.modelkit.onnx.Graph;
import ai.stylefarm.modelkit.onnx.Ops;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * z (and the class label c) → w. Inputs are normalised to unit second moment; the label is embedded by a linear
 * layer and normalised the same way, then concatenated to z. Truncation is not part of the graph: the worker
 * applies it to w, so ψ and the cutoff never require a new graph.
 */
public final class MappingNetwork {
    private static final float EPS = 1e-8f;

    private final GeneratorConfig config;
    private final Optional<FullyConnectedLayer> embed;
    private final List<FullyConnectedLayer> layers;
    private final Tensor wAvg;

    public MappingNetwork(GeneratorConfig config, StateDict sd) {
        this.config = config;
        int embedFeatures = config.cDim() > 0 ? config.wDim() : 0;
        this.embed = config.cDim() > 0
                ? Optional.of(FullyConnectedLayer.load(sd, "mapping.embed", config.cDim(), embedFeatures, 1.0, false))
                : Optional.empty();
        this.layers = new ArrayList<>();
        int in = config.zDim() + embedFeatures;
        for (int i = 0; i < config.mappingLayers(); i++) {
            layers.add(FullyConnectedLayer.load(sd, "mapping.fc" + i, in, config.wDim(), config.lrMultiplier(), true));
            in = config.wDim();
        }
        this.wAvg = sd.require("mapping.w_avg", config.wDim());
    }

    public Tensor wAvg() {
        return wAvg;
    }

    /** Graph with inputs z [N, z_dim] (and c [N, c_dim] when conditional) and output w [N, w_dim]. */
    public Graph buildGraph() {
        Graph g = new Graph("mapping");
        Ops ops = new Ops(g);
        String x = null;
        if (config.zDim() > 0) {
            x = ops.normalizeSecondMoment(g.input("z", "N", config.zDim()), 1, EPS, "z_norm");
        }
        if (embed.isPresent()) {
            String c = g.input("c", "N", config.cDim());
            String y = ops.normalizeSecondMoment(embed.get().forward(ops, c, "embed"), 1, EPS, "c_norm");
            x = x == null ? y : ops.concat("zc", 1, x, y); // [N, z_dim + w_dim]
        }
        for (int i = 0; i < layers.size(); i++) {
            x = layers.get(i).forward(ops, x, "fc" + i);
        }
        g.output(x, "w", "N", config.wDim());
        return g;
    }
}
