package ai.stylefarm.modelkit.onnx;

import ai.stylefarm.modelkit.stylegan.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A float32 ONNX graph under construction. Dimensions are Integers for fixed sizes or Strings for symbolic ones
 * (the dynamic batch dimension is {@code "N"}).
 */
public final class Graph {

    /** A graph input or output: name and shape. */
    public record ValueInfo(String name, List<Object> dims) {
        public ValueInfo {
            dims = List.copyOf(dims);
        }
    }

    private final String name;
    private final List<ValueInfo> inputs = new ArrayList<>();
    private final List<ValueInfo> outputs = new ArrayList<>();
    private final Map<String, Tensor> initializers = new LinkedHashMap<>();
    private final Map<String, long[]> int64Initializers = new LinkedHashMap<>();
    private final Map<String, Long> int64Scalars = new LinkedHashMap<>();
    private final List<Node> nodes = new ArrayList<>();
    private final Map<String, Integer> nameCounts = new LinkedHashMap<>();
    private final Set<String> used = new HashSet<>();

    public Graph(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    public String input(String inputName, Object... dims) {
        addInput(new ValueInfo(inputName, Arrays.asList(dims)));
        return inputName;
    }

    /** Declares {@code value} as a graph output under {@code outputName} (inserting an Identity when they differ). */
    public void output(String value, String outputName, Object... dims) {
        if (!value.equals(outputName)) {
            addNode(new Node("Identity", List.of(value), List.of(outputName), Map.of()));
        }
        outputs.add(new ValueInfo(outputName, Arrays.asList(dims)));
    }

    /** Adds a float32 constant. Names are made unique, so callers may use descriptive ones freely. */
    public String constant(String hint, Tensor value) {
        String n = unique(hint);
        initializers.put(n, value);
        return n;
    }

    public String scalar(String hint, float value) {
        return constant(hint, Tensor.scalar(value));
    }

    /** Adds an int64 constant (axes, shapes, indices). */
    public String int64s(String hint, long... values) {
        String n = unique(hint);
        int64Initializers.put(n, values.clone());
        return n;
    }

    /** Adds a 0-d int64 constant (a Gather index that drops the axis). */
    public String int64Scalar(String hint, long value) {
        String n = unique(hint);
        int64Scalars.put(n, value);
        return n;
    }

    /** Appends a single-output node and returns the output's name. */
    public String op(String opType, String outputHint, List<String> in, Map<String, Object> attrs) {
        String out = unique(outputHint);
        nodes.add(new Node(opType, in, List.of(out), attrs));
        return out;
    }

    public String op(String opType, String outputHint, String... in) {
        return op(opType, outputHint, List.of(in), Map.of());
    }

    private String unique(String hint) {
        int n = nameCounts.merge(hint, 1, Integer::sum);
        String name = n == 1 ? hint : hint + "_" + n;
        while (!used.add(name)) {
            name = hint + "_" + nameCounts.merge(hint, 1, Integer::sum);
        }
        return name;
    }

    /**
     * A copy of this graph's inputs, constants and nodes (not its outputs) under a new name, with the symbolic
     * dimension {@code symbol} of every input fixed to {@code size}: the forward part of a derived graph.
     */
    public Graph withFixedDimension(String newName, String symbol, int size) {
        Graph copy = new Graph(newName);
        for (ValueInfo in : inputs) {
            copy.inputs.add(new ValueInfo(in.name(), in.dims().stream().map(d -> symbol.equals(d) ? (Object) size : d).toList()));
            copy.used.add(in.name());
        }
        initializers.forEach((n, t) -> copy.putInitializer(n, t));
        int64Initializers.forEach((n, v) -> copy.putInt64s(n, v));
        int64Scalars.forEach((n, v) -> copy.putInt64Scalar(n, v));
        nodes.forEach(copy::addNode);
        return copy;
    }

    /** Adds a float32 constant under exactly this name (as read back from a model file). */
    void putInitializer(String n, Tensor value) {
        claim(n);
        initializers.put(n, value);
    }

    void putInt64s(String n, long[] values) {
        claim(n);
        int64Initializers.put(n, values.clone());
    }

    void putInt64Scalar(String n, long value) {
        claim(n);
        int64Scalars.put(n, value);
    }

    /** Adds a node whose output names are already fixed (as read back from a model file). */
    void addNode(Node node) {
        node.outputs().forEach(this::claim);
        nodes.add(node);
    }

    void addInput(ValueInfo in) {
        claim(in.name());
        inputs.add(in);
    }

    void addOutput(ValueInfo out) {
        outputs.add(out);
    }

    private void claim(String n) {
        if (!used.add(n)) {
            throw new IllegalArgumentException("value name " + n + " is defined twice");
        }
    }

    public List<ValueInfo> inputs() {
        return Collections.unmodifiableList(inputs);
    }

    public List<ValueInfo> outputs() {
        return Collections.unmodifiableList(outputs);
    }

    public Map<String, Tensor> initializers() {
        return Collections.unmodifiableMap(initializers);
    }

    public Map<String, long[]> int64Initializers() {
        return Collections.unmodifiableMap(int64Initializers);
    }

    public Map<String, Long> int64Scalars() {
        return Collections.unmodifiableMap(int64Scalars);
    }

    /** Attribute map from alternating keys and values. */
    public static Map<String, Object> attrs(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    public List<Node> nodes() {
        return Collections.unmodifiableList(nodes);
    }
}
