package ai.stylefarm.modelkit.onnx;

import static ai.stylefarm.modelkit.onnx.Graph.attrs;

import java.util.List;

/** Typed emitters for the ONNX operators the generator graphs use (opset 17 signatures). */
public final class Ops {
    private final Graph g;

    public Ops(Graph g) {
        this.g = g;
    }

    public Graph graph() {
        return g;
    }

    public String add(String a, String b, String hint) {
        return g.op("Add", hint, a, b);
    }

    public String mul(String a, String b, String hint) {
        return g.op("Mul", hint, a, b);
    }

    public String matMul(String a, String b, String hint) {
        return g.op("MatMul", hint, a, b);
    }

    /** x[:, index] along {@code axis}, dropping that axis. */
    public String select(String x, int axis, long index, String hint) {
        return g.op("Gather", hint, List.of(x, g.int64Scalar(hint + ".idx", index)), attrs("axis", (long) axis));
    }

    public String unsqueeze(String x, String hint, long... axes) {
        return g.op("Unsqueeze", hint, x, g.int64s(hint + ".axes", axes));
    }

    public String concat(String hint, int axis, String... xs) {
        return g.op("Concat", hint, List.of(xs), attrs("axis", (long) axis));
    }

    /** Leaky ReLU (slope 0.2) followed by the gain that keeps the activation's second moment, √2 in StyleGAN2. */
    public String leakyReluWithGain(String x, float gain, String hint) {
        String y = g.op("LeakyRelu", hint + ".lrelu", List.of(x), attrs("alpha", 0.2));
        return mul(y, g.scalar(hint + ".gain", gain), hint);
    }

    public String clamp(String x, float limit, String hint) {
        return g.op("Clip", hint, x, g.scalar(hint + ".min", -limit), g.scalar(hint + ".max", limit));
    }

    /** x / sqrt(mean(x², axis, keepdims) + eps). */
    public String normalizeSecondMoment(String x, int axis, float eps, String hint) {
        String sq = mul(x, x, hint + ".sq");
        String mean = g.op("ReduceMean", hint + ".mean", List.of(sq), attrs("axes", new long[] {axis}, "keepdims", 1L));
        String rsqrt = reciprocalSqrt(add(mean, g.scalar(hint + ".eps", eps), hint + ".var"), hint + ".rsqrt");
        return mul(x, rsqrt, hint);
    }

    public String reciprocalSqrt(String x, String hint) {
        return g.op("Reciprocal", hint, g.op("Sqrt", hint + ".sqrt", x));
    }

    /** 2-D convolution (cross-correlation, like torch.conv2d). */
    public String conv(String x, String weight, long pad, long group, String hint) {
        return g.op("Conv", hint, List.of(x, weight),
                attrs("pads", new long[] {pad, pad, pad, pad}, "group", group));
    }

    /** Transposed 2-D convolution with stride 2 and symmetric padding {@code pad}; weight is [in, out/group, k, k]. */
    public String convTranspose2x(String x, String weight, long pad, long group, String hint) {
        return g.op("ConvTranspose", hint, List.of(x, weight),
                attrs("strides", new long[] {2, 2}, "pads", new long[] {pad, pad, pad, pad}, "group", group));
    }
}
