package ai.stylefarm.modelkit.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.stylefarm.modelkit.stylegan.Tensor;
import com.google.protobuf.CodedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a model written by {@link OnnxWriter} back into a {@link Graph}, so that graphs can be derived from a
 * bundle's own files (a projection step from {@code synthesis.onnx}). Supports what the writer emits: float32 and
 * int64 initializers and INT, FLOAT, INTS and STRING attributes.
 */
public final class OnnxReader {
    private OnnxReader() {}

    public static Graph read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            CodedInputStream coded = CodedInputStream.newInstance(in);
            coded.setSizeLimit(Integer.MAX_VALUE);
            return toGraph(ModelProto.parseFrom(coded));
        }
    }

    static Graph toGraph(ModelProto model) {
        GraphProto gp = model.getGraph();
        Graph g = new Graph(gp.getName());
        for (TensorProto t : gp.getInitializerList()) {
            switch (t.getDataType()) {
                case TensorProto.DataType.FLOAT_VALUE -> g.putInitializer(t.getName(), floats(t));
                case TensorProto.DataType.INT64_VALUE -> {
                    long[] v = t.getRawData().isEmpty()
                            ? t.getInt64DataList().stream().mapToLong(Long::longValue).toArray()
                            : int64s(t);
                    if (t.getDimsCount() == 0) {
                        g.putInt64Scalar(t.getName(), v[0]);
                    } else {
                        g.putInt64s(t.getName(), v);
                    }
                }
                default -> throw new IllegalArgumentException("initializer " + t.getName() + " has unsupported type "
                        + t.getDataType());
            }
        }
        for (ValueInfoProto in : gp.getInputList()) {
            g.addInput(valueInfo(in));
        }
        for (NodeProto n : gp.getNodeList()) {
            Map<String, Object> attrs = new LinkedHashMap<>();
            for (AttributeProto a : n.getAttributeList()) {
                attrs.put(a.getName(), attribute(a));
            }
            g.addNode(new Node(n.getOpType(), n.getInputList(), n.getOutputList(), attrs));
        }
        for (ValueInfoProto out : gp.getOutputList()) {
            g.addOutput(valueInfo(out));
        }
        return g;
    }

    private static Tensor floats(TensorProto t) {
        int[] shape = t.getDimsList().stream().mapToInt(Long::intValue).toArray();
        float[] data;
        if (t.getRawData().isEmpty()) {
            data = new float[t.getFloatDataCount()];
            for (int i = 0; i < data.length; i++) {
                data[i] = t.getFloatData(i);
            }
        } else {
            data = new float[t.getRawData().size() / 4];
            t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(data);
        }
        return new Tensor(shape, data);
    }

    private static long[] int64s(TensorProto t) {
        long[] v = new long[t.getRawData().size() / 8];
        t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(v);
        return v;
    }

    private static Graph.ValueInfo valueInfo(ValueInfoProto v) {
        List<Object> dims = new ArrayList<>();
        for (TensorShapeProto.Dimension d : v.getType().getTensorType().getShape().getDimList()) {
            dims.add(d.hasDimValue() ? (Object) Math.toIntExact(d.getDimValue()) : d.getDimParam());
        }
        return new Graph.ValueInfo(v.getName(), dims);
    }

    private static Object attribute(AttributeProto a) {
        return switch (a.getType()) {
            case INT -> a.getI();
            case FLOAT -> (double) a.getF();
            case INTS -> a.getIntsList().stream().mapToLong(Long::longValue).toArray();
            case STRING -> a.getS().toStringUtf8();
            default -> throw new IllegalArgumentException("attribute " + a.getName() + " has unsupported type " + a.getType());
        };
    }
}
