package ai.stylefarm.modelkit.bundle;

import ai.stylefarm.modelkit.onnx.Graph;
import ai.stylefarm.modelkit.onnx.Node;
import java.util.Set;
import java.util.TreeSet;

/**
 * The operators a bundle's mapping and synthesis graphs may hold: those the kit emits for StyleGAN2. A bundle from
 * elsewhere is checked against them before ONNX Runtime runs it, so an uploaded graph cannot loop, branch or
 * reshape its way to unbounded time or memory in the service that validates it.
 */
public final class GraphOperators {
    static final Set<String> ALLOWED = Set.of("Identity", "Neg", "Add", "Sub", "Mul", "Div", "MatMul", "Gather",
            "Unsqueeze", "Squeeze", "LeakyRelu", "Clip", "Reciprocal", "Sqrt", "ReduceMean", "ReduceSum", "Conv",
            "ConvTranspose", "Concat", "Pad", "Transpose", "Reshape", "Sum");

    private GraphOperators() {
    }

    /** @throws BundleException naming the first operators that the kit never emits */
    public static void check(Graph graph, String file) {
        Set<String> unknown = new TreeSet<>();
        for (Node node : graph.nodes()) {
            if (!ALLOWED.contains(node.opType())) {
                unknown.add(node.opType());
            }
        }
        if (!unknown.isEmpty()) {
            throw new BundleException(file + " uses operators a StyleGAN2 bundle never holds: " + unknown
                    + "; bundles made by the model kit (./farm models import|init) use only " + new TreeSet<>(ALLOWED));
        }
    }
}
