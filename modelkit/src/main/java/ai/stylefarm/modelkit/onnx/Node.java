package ai.stylefarm.modelkit.onnx;

import java.util.List;
import java.util.Map;

/**
 * One ONNX operator application. Kept as plain data (rather than building protobuf directly) so that graph
 * transformations such as reverse-mode differentiation can walk the forward graph before it is serialised.
 *
 * @param opType  ONNX operator name, e.g. {@code Conv}
 * @param inputs  value names; an empty string marks an omitted optional input
 * @param outputs value names
 * @param attrs   attribute values: Long, Double (written as float), String, long[] or float[]
 */
public record Node(String opType, List<String> inputs, List<String> outputs, Map<String, Object> attrs) {
    public Node {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        attrs = Map.copyOf(attrs);
    }
}
