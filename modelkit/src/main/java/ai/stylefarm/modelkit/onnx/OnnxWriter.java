package ai.stylefarm.modelkit.onnx;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.stylefarm.modelkit.stylegan.Tensor;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeMap;

/** Serialises a {@link Graph} to an ONNX model (IR 8, default opset 17), which ONNX Runtime 1.16+ loads. */
public final class OnnxWriter {
    public static final int OPSET = 17;
    private static final long IR_VERSION = 8;

    private OnnxWriter() {}

    /** Streams the model to {@code file}, so a 1024² generator never needs a second full-size byte array. */
    public static void write(Graph graph, Path file) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            toModel(graph).writeTo(out);
        }
    }

    public static ModelProto toModel(Graph graph) {
        GraphProto.Builder g = GraphProto.newBuilder().setName(graph.name());
        for (Graph.ValueInfo in : graph.inputs()) {
            g.addInput(valueInfo(in));
        }
        for (Graph.ValueInfo out : graph.outputs()) {
            g.addOutput(valueInfo(out));
        }
        graph.initializers().forEach((n, t) -> g.addInitializer(floatTensor(n, t)));
        graph.int64Initializers().forEach((n, v) -> g.addInitializer(int64Tensor(n, v, false)));
        graph.int64Scalars().forEach((n, v) -> g.addInitializer(int64Tensor(n, new long[] {v}, true)));
        int i = 0;
        for (Node node : graph.nodes()) {
            NodeProto.Builder nb = NodeProto.newBuilder()
                    .setOpType(node.opType())
                    .setName(node.opType() + "_" + i++)
                    .addAllInput(node.inputs())
                    .addAllOutput(node.outputs());
            new TreeMap<>(node.attrs()).forEach((k, v) -> nb.addAttribute(attribute(k, v)));
            g.addNode(nb);
        }
        return ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName("stylefarm-modelkit")
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(g)
                .build();
    }

    private static ValueInfoProto valueInfo(Graph.ValueInfo v) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object d : v.dims()) {
            if (d instanceof Integer size) {
                shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(size));
            } else {
                shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(d.toString()));
            }
        }
        TypeProto type = TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder()
                        .setElemType(TensorProto.DataType.FLOAT_VALUE)
                        .setShape(shape))
                .build();
        return ValueInfoProto.newBuilder().setName(v.name()).setType(type).build();
    }

    static TensorProto floatTensor(String name, Tensor t) {
        ByteBuffer buf = ByteBuffer.allocate(t.data().length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(t.data());
        TensorProto.Builder b = TensorProto.newBuilder()
                .setName(name)
                .setDataType(TensorProto.DataType.FLOAT_VALUE)
                // The buffer is never touched again, so the proto may keep it instead of a copy.
                .setRawData(UnsafeByteOperations.unsafeWrap(buf.array()));
        for (int d : t.shape()) {
            b.addDims(d);
        }
        return b.build();
    }

    private static TensorProto int64Tensor(String name, long[] values, boolean scalar) {
        TensorProto.Builder b = TensorProto.newBuilder()
                .setName(name)
                .setDataType(TensorProto.DataType.INT64_VALUE)
                .addAllInt64Data(java.util.Arrays.stream(values).boxed().toList());
        if (!scalar) {
            b.addDims(values.length);
        }
        return b.build();
    }

    private static AttributeProto attribute(String name, Object value) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name);
        if (value instanceof Long l) {
            a.setType(AttributeProto.AttributeType.INT).setI(l);
        } else if (value instanceof Integer i) {
            a.setType(AttributeProto.AttributeType.INT).setI(i);
        } else if (value instanceof Double d) {
            a.setType(AttributeProto.AttributeType.FLOAT).setF(d.floatValue());
        } else if (value instanceof Float f) {
            a.setType(AttributeProto.AttributeType.FLOAT).setF(f);
        } else if (value instanceof String s) {
            a.setType(AttributeProto.AttributeType.STRING).setS(ByteString.copyFromUtf8(s));
        } else if (value instanceof long[] ints) {
            a.setType(AttributeProto.AttributeType.INTS);
            for (long l : ints) {
                a.addInts(l);
            }
        } else {
            throw new IllegalArgumentException("unsupported attribute " + name + " = " + value);
        }
        return a.build();
    }

}
