package ai.stylefarm.modelkit.onnx;

import static ai.stylefarm.modelkit.onnx.Graph.attrs;

import ai.stylefarm.modelkit.stylegan.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reverse-mode differentiation of a {@link Graph}: appends the nodes that compute d(loss)/d(input) for chosen graph
 * inputs, so one ONNX Runtime call returns the value and its exact gradient. Weights are constants: only values
 * that depend on a chosen input get adjoints, and an operator whose constant operand would need one is refused.
 *
 * <p>Each rule below is the textbook adjoint of its operator; broadcasting is undone by summing over the broadcast
 * axes. Where a function has a kink (leaky ReLU at 0, clip at its limits) the rules follow PyTorch's conventions,
 * so gradients agree with autograd even there: leaky ReLU takes slope 1 only for x &gt; 0, clip passes the gradient
 * for lo ≤ x ≤ hi.
 */
public final class ReverseMode {
    private final Graph g;
    private final Shapes shapes;
    private final Map<String, List<String>> contributions = new HashMap<>();
    private final Map<String, String> summed = new HashMap<>();

    private ReverseMode(Graph g) {
        this.g = g;
        this.shapes = Shapes.infer(g);
    }

    /**
     * Appends the gradient of the scalar {@code loss} with respect to each of {@code wrt} (graph inputs) and returns
     * the gradient value names in the order of {@code wrt}. An input the loss does not depend on gets zeros.
     */
    public static Map<String, String> gradients(Graph g, String loss, List<String> wrt) {
        ReverseMode rm = new ReverseMode(g);
        if (rm.shapes.of(loss).length != 0) {
            throw new IllegalArgumentException("loss must be a scalar, is " + java.util.Arrays.toString(rm.shapes.of(loss)));
        }
        return rm.run(loss, wrt);
    }

    private Map<String, String> run(String loss, List<String> wrt) {
        List<Node> forward = List.copyOf(g.nodes());
        Set<String> active = dependents(forward, wrt);
        contributions.computeIfAbsent(loss, k -> new ArrayList<>()).add(g.scalar("grad.seed", 1f));
        for (int i = forward.size() - 1; i >= 0; i--) {
            Node node = forward.get(i);
            String y = node.outputs().get(0);
            if (!contributions.containsKey(y)) {
                continue;
            }
            String gy = adjoint(y);
            for (int k = 0; k < node.inputs().size(); k++) {
                String x = node.inputs().get(k);
                if (active.contains(x)) {
                    contribute(node, k, x, y, gy);
                }
            }
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String x : wrt) {
            out.put(x, contributions.containsKey(x) ? adjoint(x) : zerosLike(x));
        }
        return out;
    }

    /** Values computed from any of {@code wrt}. */
    private static Set<String> dependents(List<Node> nodes, List<String> wrt) {
        Set<String> active = new HashSet<>(wrt);
        for (Node node : nodes) {
            if (node.inputs().stream().anyMatch(active::contains)) {
                active.addAll(node.outputs());
            }
        }
        return active;
    }

    /** The total adjoint of a value: the sum of every consumer's contribution, emitted once. */
    private String adjoint(String value) {
        return summed.computeIfAbsent(value, v -> {
            List<String> parts = contributions.get(v);
            return parts.size() == 1 ? parts.get(0) : g.op("Sum", "grad." + v, parts, Map.of());
        });
    }

    private void add(String x, String contribution) {
        if (summed.containsKey(x)) {
            throw new IllegalStateException("adjoint of " + x + " used before all its consumers were visited");
        }
        contributions.computeIfAbsent(x, k -> new ArrayList<>()).add(contribution);
    }

    private void contribute(Node node, int k, String x, String y, String gy) {
        List<String> in = node.inputs();
        String h = "grad." + x;
        switch (node.opType()) {
            case "Identity" -> add(x, gy);
            case "Neg" -> add(x, g.op("Neg", h, gy));
            case "Add" -> add(x, unbroadcast(gy, y, x));
            case "Sub" -> add(x, unbroadcast(k == 0 ? gy : g.op("Neg", h + ".neg", gy), y, x));
            case "Mul" -> add(x, unbroadcast(g.op("Mul", h + ".mul", gy, in.get(1 - k)), y, x));
            case "MatMul" -> add(x, matMulAdjoint(k, in, gy, h));
            case "Gather" -> add(x, scatterRow(node, x, gy, h));
            case "Unsqueeze" -> add(x, g.op("Squeeze", h, gy, in.get(1)));
            case "LeakyRelu" -> add(x, g.op("Where", h, g.op("Greater", h + ".pos", x, g.scalar(h + ".zero", 0f)),
                    gy, g.op("Mul", h + ".neg", gy, g.scalar(h + ".alpha", alpha(node)))));
            case "Clip" -> {
                requireOperand(k == 0, node, x);
                String inside = g.op("And", h + ".inside", g.op("GreaterOrEqual", h + ".lo", x, in.get(1)),
                        g.op("LessOrEqual", h + ".hi", x, in.get(2)));
                add(x, g.op("Where", h, inside, gy, g.scalar(h + ".zero", 0f)));
            }
            case "Reciprocal" -> add(x, g.op("Neg", h, g.op("Mul", h + ".mul", gy, g.op("Mul", h + ".sq", y, y))));
            case "Sqrt" -> add(x, g.op("Div", h, g.op("Mul", h + ".half", gy, g.scalar(h + ".c", 0.5f)), y));
            case "ReduceMean" -> add(x, meanAdjoint(node, x, y, gy, h));
            case "Conv" -> {
                requireOperand(k == 0 && unitStride(node), node, x);
                add(x, convAdjoint(node, gy, h));
            }
            case "ConvTranspose" -> {
                requireOperand(k == 0, node, x);
                add(x, g.op("Conv", h, List.of(gy, in.get(1)), attrs("pads", node.attrs().get("pads"),
                        "strides", node.attrs().get("strides"), "group", node.attrs().getOrDefault("group", 1L))));
            }
            default -> throw new IllegalArgumentException("no gradient rule for " + node.opType());
        }
    }

    private static void requireOperand(boolean supported, Node node, String x) {
        if (!supported) {
            throw new IllegalArgumentException("no gradient rule for " + node.opType() + " with respect to " + x
                    + " (only its data input, stride 1 for Conv, is differentiated)");
        }
    }

    private static float alpha(Node node) {
        Object a = node.attrs().getOrDefault("alpha", 0.01);
        return ((Number) a).floatValue();
    }

    private static boolean unitStride(Node node) {
        long[] s = (long[]) node.attrs().getOrDefault("strides", new long[] {1, 1});
        return s[0] == 1 && s[1] == 1;
    }

    /**
     * The adjoint of a stride-1 convolution is the transposed convolution with the same weight. With a constant
     * weight it is computed as an ordinary convolution with the weight flipped in space and its in/out channels
     * swapped (per group), padded by k − 1 − p: the same sums, but on ONNX Runtime's faster Conv kernels.
     */
    private String convAdjoint(Node node, String gy, String h) {
        String weight = node.inputs().get(1);
        long group = (Long) node.attrs().getOrDefault("group", 1L);
        long[] pads = (long[]) node.attrs().get("pads");
        Tensor w = g.initializers().get(weight);
        if (w == null) {
            return g.op("ConvTranspose", h, List.of(gy, weight), attrs("pads", pads, "group", group));
        }
        int kh = w.dim(2);
        int kw = w.dim(3);
        long[] flippedPads = {kh - 1 - pads[0], kw - 1 - pads[1], kh - 1 - pads[2], kw - 1 - pads[3]};
        String flipped = g.constant(weight + ".adjoint", flipTransposed(w, (int) group));
        return g.op("Conv", h, List.of(gy, flipped), attrs("pads", flippedPads, "group", group));
    }

    /** [O, I/G, kh, kw] → [I, O/G, kh, kw]: channels swapped within each group, kernel rotated by 180°. */
    static Tensor flipTransposed(Tensor w, int groups) {
        int out = w.dim(0);
        int inPerGroup = w.dim(1);
        int kh = w.dim(2);
        int kw = w.dim(3);
        int outPerGroup = out / groups;
        float[] src = w.data();
        float[] dst = new float[src.length];
        for (int grp = 0; grp < groups; grp++) {
            for (int o = 0; o < outPerGroup; o++) {
                for (int i = 0; i < inPerGroup; i++) {
                    int from = ((grp * outPerGroup + o) * inPerGroup + i) * kh * kw;
                    int to = ((grp * inPerGroup + i) * outPerGroup + o) * kh * kw;
                    for (int a = 0; a < kh; a++) {
                        for (int b = 0; b < kw; b++) {
                            dst[to + a * kw + b] = src[from + (kh - 1 - a) * kw + (kw - 1 - b)];
                        }
                    }
                }
            }
        }
        return new Tensor(new int[] {groups * inPerGroup, outPerGroup, kh, kw}, dst);
    }

    /** d/dA of A·B is G·Bᵀ; d/dB is Aᵀ·G (2-D operands, as in the dense layers). */
    private String matMulAdjoint(int k, List<String> in, String gy, String h) {
        if (shapes.of(in.get(0)).length != 2) {
            throw new IllegalArgumentException("MatMul gradients are implemented for 2-D operands only");
        }
        if (k == 0) {
            return g.op("MatMul", h, gy, g.op("Transpose", h + ".bt", List.of(in.get(1)), attrs("perm", new long[] {1, 0})));
        }
        return g.op("MatMul", h, g.op("Transpose", h + ".at", List.of(in.get(0)), attrs("perm", new long[] {1, 0})), gy);
    }

    /** x[..., i, ...] read by Gather: its adjoint is the row's adjoint placed at i, zeros elsewhere. */
    private String scatterRow(Node node, String x, String gy, String h) {
        int axis = Math.toIntExact((Long) node.attrs().getOrDefault("axis", 0L));
        long[] xs = shapes.of(x);
        long index = shapes.int64Scalar(node.inputs().get(1));
        long[] pads = new long[2 * xs.length];
        pads[axis] = index;
        pads[xs.length + axis] = xs[axis] - 1 - index;
        String row = g.op("Unsqueeze", h + ".row", gy, g.int64s(h + ".axis", axis));
        return g.op("Pad", h, row, g.int64s(h + ".pads", pads));
    }

    /** The mean's adjoint spreads G/count evenly over the reduced elements. */
    private String meanAdjoint(Node node, String x, String y, String gy, String h) {
        long[] xs = shapes.of(x);
        long[] axes = Shapes.reducedAxes(node, xs.length);
        long count = 1;
        for (long a : axes) {
            count *= xs[(int) a];
        }
        boolean keep = (Long) node.attrs().getOrDefault("keepdims", 1L) == 1L;
        String gk = keep || shapes.of(y).length == 0 ? gy : g.op("Unsqueeze", h + ".keep", gy, g.int64s(h + ".axes", axes));
        String scaled = g.op("Mul", h + ".scaled", gk, g.scalar(h + ".inv_count", 1f / count));
        return g.op("Expand", h, scaled, g.int64s(h + ".shape", xs));
    }

    /** Sums the adjoint of y over the axes along which x was broadcast to y's shape. */
    private String unbroadcast(String gy, String y, String x) {
        long[] ys = shapes.of(y);
        long[] xs = shapes.of(x);
        if (java.util.Arrays.equals(ys, xs)) {
            return gy;
        }
        List<Long> axes = new ArrayList<>();
        int lead = ys.length - xs.length;
        for (int i = 0; i < ys.length; i++) {
            if (i < lead || (xs[i - lead] == 1 && ys[i] != 1)) {
                axes.add((long) i);
            }
        }
        String h = "grad." + x + ".unbroadcast";
        String sum = g.op("ReduceSum", h, List.of(gy, g.int64s(h + ".axes", axes.stream().mapToLong(Long::longValue).toArray())),
                attrs("keepdims", 1L));
        return lead == 0 ? sum : g.op("Reshape", h + ".reshape", sum, g.int64s(h + ".shape", xs));
    }

    private String zerosLike(String x) {
        long[] xs = shapes.of(x);
        return g.op("Expand", "grad." + x + ".zeros", g.scalar("grad.zero", 0f), g.int64s("grad." + x + ".shape", xs));
    }
}
