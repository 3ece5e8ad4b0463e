package ai.stylefarm.modelkit.onnx;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Static shapes of every value of a graph whose inputs all have fixed sizes, for the operators the generator graphs
 * use. Reverse-mode differentiation needs them to undo broadcasting and to scatter gathered rows back.
 */
final class Shapes {
    private final Map<String, long[]> shapes = new HashMap<>();
    private final Graph graph;

    private Shapes(Graph graph) {
        this.graph = graph;
    }

    static Shapes infer(Graph graph) {
        Shapes s = new Shapes(graph);
        for (Graph.ValueInfo in : graph.inputs()) {
            long[] dims = new long[in.dims().size()];
            for (int i = 0; i < dims.length; i++) {
                if (!(in.dims().get(i) instanceof Integer size)) {
                    throw new IllegalArgumentException("input " + in.name() + " has a symbolic dimension; "
                            + "differentiation needs fixed shapes");
                }
                dims[i] = size;
            }
            s.shapes.put(in.name(), dims);
        }
        graph.initializers().forEach((n, t) -> s.shapes.put(n, Arrays.stream(t.shape()).asLongStream().toArray()));
        graph.int64Initializers().forEach((n, v) -> s.shapes.put(n, new long[] {v.length}));
        graph.int64Scalars().forEach((n, v) -> s.shapes.put(n, new long[0]));
        for (Node node : graph.nodes()) {
            s.shapes.put(node.outputs().get(0), s.outputShape(node));
        }
        return s;
    }

    long[] of(String value) {
        long[] shape = shapes.get(value);
        if (shape == null) {
            throw new IllegalStateException("no shape for " + value);
        }
        return shape;
    }

    private long[] outputShape(Node node) {
        List<String> in = node.inputs();
        return switch (node.opType()) {
            case "Add", "Sub", "Mul" -> broadcast(of(in.get(0)), of(in.get(1)));
            case "Identity", "LeakyRelu", "Clip", "Reciprocal", "Sqrt", "Neg" -> of(in.get(0));
            case "MatMul" -> matMul(of(in.get(0)), of(in.get(1)));
            case "Gather" -> gather(node, of(in.get(0)));
            case "Unsqueeze" -> unsqueeze(of(in.get(0)), int64s(in.get(1)));
            case "Conv" -> conv(node, of(in.get(0)), of(in.get(1)));
            case "ConvTranspose" -> convTranspose(node, of(in.get(0)), of(in.get(1)));
            case "ReduceMean" -> reduce(node, of(in.get(0)));
            default -> throw new IllegalArgumentException("no shape rule for " + node.opType());
        };
    }

    long[] int64s(String value) {
        long[] v = graph.int64Initializers().get(value);
        if (v == null) {
            throw new IllegalArgumentException(value + " is not an int64 constant");
        }
        return v;
    }

    long int64Scalar(String value) {
        Long v = graph.int64Scalars().get(value);
        if (v == null) {
            throw new IllegalArgumentException(value + " is not an int64 scalar constant");
        }
        return v;
    }

    static long[] broadcast(long[] a, long[] b) {
        int rank = Math.max(a.length, b.length);
        long[] out = new long[rank];
        for (int i = 0; i < rank; i++) {
            long da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            long db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException("cannot broadcast " + Arrays.toString(a) + " with " + Arrays.toString(b));
            }
            out[i] = Math.max(da, db);
        }
        return out;
    }

    private static long[] matMul(long[] a, long[] b) {
        if (b.length != 2 || a.length < 2 || a[a.length - 1] != b[0]) {
            throw new IllegalArgumentException("MatMul " + Arrays.toString(a) + " x " + Arrays.toString(b));
        }
        long[] out = a.clone();
        out[out.length - 1] = b[1];
        return out;
    }

    private long[] gather(Node node, long[] x) {
        int axis = Math.toIntExact((Long) node.attrs().getOrDefault("axis", 0L));
        int64Scalar(node.inputs().get(1)); // only scalar indices, which drop the axis
        long[] out = new long[x.length - 1];
        for (int i = 0, j = 0; i < x.length; i++) {
            if (i != axis) {
                out[j++] = x[i];
            }
        }
        return out;
    }

    private static long[] unsqueeze(long[] x, long[] axes) {
        long[] out = new long[x.length + axes.length];
        long[] sorted = axes.clone();
        Arrays.sort(sorted);
        int src = 0;
        for (int i = 0, a = 0; i < out.length; i++) {
            if (a < sorted.length && sorted[a] == i) {
                out[i] = 1;
                a++;
            } else {
                out[i] = x[src++];
            }
        }
        return out;
    }

    private static long[] conv(Node node, long[] x, long[] w) {
        long[] pads = (long[]) node.attrs().getOrDefault("pads", new long[4]);
        long[] strides = (long[]) node.attrs().getOrDefault("strides", new long[] {1, 1});
        return new long[] {x[0], w[0],
                (x[2] + pads[0] + pads[2] - w[2]) / strides[0] + 1,
                (x[3] + pads[1] + pads[3] - w[3]) / strides[1] + 1};
    }

    private static long[] convTranspose(Node node, long[] x, long[] w) {
        long[] pads = (long[]) node.attrs().getOrDefault("pads", new long[4]);
        long[] strides = (long[]) node.attrs().getOrDefault("strides", new long[] {1, 1});
        long group = (Long) node.attrs().getOrDefault("group", 1L);
        return new long[] {x[0], w[1] * group,
                (x[2] - 1) * strides[0] + w[2] - pads[0] - pads[2],
                (x[3] - 1) * strides[1] + w[3] - pads[1] - pads[3]};
    }

    /** Axes a reduction covers: the {@code axes} attribute, or all of them when it is absent. */
    static long[] reducedAxes(Node node, int rank) {
        long[] axes = (long[]) node.attrs().get("axes");
        if (axes == null) {
            axes = new long[rank];
            Arrays.setAll(axes, i -> i);
        }
        return Arrays.stream(axes).map(a -> a < 0 ? a + rank : a).toArray();
    }

    private static long[] reduce(Node node, long[] x) {
        long[] axes = reducedAxes(node, x.length);
        boolean keep = (Long) node.attrs().getOrDefault("keepdims", 1L) == 1L;
        long[] out = x.clone();
        for (long a : axes) {
            out[(int) a] = keep ? 1 : -1;
        }
        return keep ? out : Arrays.stream(out).filter(d -> d >= 0).toArray();
    }
}
