package ai.stylefarm.modelkit.stylegan;

import static ai.stylefarm.modelkit.onnx.Graph.attrs;

import ai.stylefarm.modelkit.onnx.Graph;
import ai.stylefarm.modelkit.onnx.ReverseMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One step of latent optimisation as a single graph: synthesis of one image, the pixel loss against a target and
 * the loss's exact gradient with respect to ws and every noise map, by reverse-mode differentiation of the
 * synthesis graph's own nodes. Built from a synthesis graph (not from weights), so an existing bundle can be
 * upgraded from its {@code synthesis.onnx} alone. The optimiser (Adam, schedules, noise regularisation) stays
 * outside, in the projector.
 *
 * <p>Inputs: {@code ws} [1, num_ws, w_dim], the noise maps [1, 1, R, R], {@code target} [1, C, H, W] on the raw
 * [-1, 1] scale. Outputs: {@code loss} = mean((img − target)²) over all elements, {@code grad_ws},
 * {@code grad_<noise input>} per noise map ([1, 1, R, R]), and {@code img}.
 */
public final class ProjectionStep {
    public static final String WS = "ws";
    public static final String TARGET = "target";
    public static final String LOSS = "loss";
    public static final String GRAD_WS = "grad_ws";
    public static final String IMG = "img";

    private ProjectionStep() {}

    public static String gradientOutput(String input) {
        return "grad_" + input;
    }

    /** {@code synthesis}: a graph with inputs ws and noise maps of symbolic batch "N" and output img. */
    public static Graph buildGraph(Graph synthesis) {
        Graph.ValueInfo imgInfo = synthesis.outputs().stream().filter(o -> o.name().equals(IMG)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("synthesis graph has no output " + IMG));
        Graph g = synthesis.withFixedDimension("projection_step", "N", 1);
        List<Object> imgDims = new ArrayList<>(imgInfo.dims());
        imgDims.set(0, 1);
        String target = g.input(TARGET, imgDims.toArray());
        String diff = g.op("Sub", "loss.diff", IMG, target); // [1, C, H, W]
        String loss = g.op("ReduceMean", "loss.mse", List.of(g.op("Mul", "loss.sq", diff, diff)), attrs("keepdims", 0L));

        List<Graph.ValueInfo> wrt = g.inputs().stream().filter(in -> !in.name().equals(TARGET)).toList();
        Map<String, String> grads = ReverseMode.gradients(g, loss, wrt.stream().map(Graph.ValueInfo::name).toList());
        g.output(loss, LOSS);
        for (Graph.ValueInfo in : wrt) {
            String name = in.name().equals(WS) ? GRAD_WS : gradientOutput(in.name());
            g.output(grads.get(in.name()), name, in.dims().toArray());
        }
        g.output(IMG, IMG, imgDims.toArray());
        return g;
    }
}
