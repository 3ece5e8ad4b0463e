package ai.stylefarm.modelkit.importer;

import ai.stylefarm.modelkit.ModelImportException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Supplier;

/**
 * A torch storage: a flat typed array, read lazily so that an importer materialises only the tensors it keeps
 * (a training snapshot also holds D, G and optimiser state, several times the generator's size).
 */
final class TorchStorage {
    private final String dtype;
    private final long numel;
    private Supplier<ByteBuffer> bytes;

    /**
     * @param dtype NumPy-style code: f4, f2, bf16, f8, i8, i4, i2, i1, u1, b1
     */
    TorchStorage(String dtype, long numel) {
        this.dtype = dtype;
        this.numel = numel;
    }

    /** The torch storage class name (e.g. {@code FloatStorage}) as the dtype code, or null when unknown. */
    static String dtypeOf(String storageClass) {
        return switch (storageClass) {
            case "FloatStorage" -> "f4";
            case "HalfStorage" -> "f2";
            case "BFloat16Storage" -> "bf16";
            case "DoubleStorage" -> "f8";
            case "LongStorage" -> "i8";
            case "IntStorage" -> "i4";
            case "ShortStorage" -> "i2";
            case "CharStorage" -> "i1";
            case "ByteStorage" -> "u1";
            case "BoolStorage" -> "b1";
            default -> null;
        };
    }

    static int elementSize(String dtype) {
        return switch (dtype) {
            case "f8", "i8" -> 8;
            case "f4", "i4" -> 4;
            case "f2", "bf16", "i2" -> 2;
            default -> 1;
        };
    }

    String dtype() {
        return dtype;
    }

    long numel() {
        return numel;
    }

    long byteSize() {
        return numel * elementSize(dtype);
    }

    void setBytes(Supplier<ByteBuffer> bytes) {
        this.bytes = bytes;
    }

    /** Element {@code index} as a float. */
    float get(ByteBuffer buf, long index) {
        int at = Math.toIntExact(index * elementSize(dtype));
        return switch (dtype) {
            case "f4" -> buf.getFloat(at);
            case "f8" -> (float) buf.getDouble(at);
            case "f2" -> PyValues.halfToFloat(buf.getShort(at));
            case "bf16" -> Float.intBitsToFloat((buf.getShort(at) & 0xffff) << 16);
            case "i8" -> buf.getLong(at);
            case "i4" -> buf.getInt(at);
            case "i2" -> buf.getShort(at);
            case "i1" -> buf.get(at);
            default -> buf.get(at) & 0xff;
        };
    }

    ByteBuffer data(String what) {
        if (bytes == null) {
            throw new ModelImportException(what + ": tensor data is missing from the file (truncated?)");
        }
        ByteBuffer b = bytes.get().order(ByteOrder.LITTLE_ENDIAN);
        if (b.remaining() < byteSize()) {
            throw new ModelImportException(what + ": storage holds " + b.remaining() + " bytes, expected "
                    + byteSize() + " (file truncated or corrupt)");
        }
        return b;
    }
}
