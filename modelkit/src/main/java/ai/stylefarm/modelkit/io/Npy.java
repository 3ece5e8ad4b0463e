package ai.stylefarm.modelkit.io;

import ai.stylefarm.modelkit.stylegan.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** NumPy {@code .npy} (format 1.0/2.0, C order, little-endian) for float32, float64 and uint8 arrays. */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([<>|=])([a-z])(\\d+)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order':\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    /** A decoded array: shape, dtype (e.g. {@code f4}, {@code f8}, {@code u1}) and raw little-endian bytes. */
    public record Array(int[] shape, String dtype, byte[] data) {
        /** Values as float32 (float64 and uint8 are converted). */
        public Tensor toTensor() {
            ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
            int n = Math.toIntExact(Tensor.numel(shape));
            float[] out = new float[n];
            for (int i = 0; i < n; i++) {
                out[i] = switch (dtype) {
                    case "f4" -> b.getFloat();
                    case "f8" -> (float) b.getDouble();
                    case "u1" -> b.get() & 0xff;
                    default -> throw new IllegalStateException("unsupported dtype " + dtype);
                };
            }
            return new Tensor(shape, out);
        }

        public double[] toDoubles() {
            ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
            double[] out = new double[Math.toIntExact(Tensor.numel(shape))];
            for (int i = 0; i < out.length; i++) {
                out[i] = dtype.equals("f8") ? b.getDouble() : dtype.equals("f4") ? b.getFloat() : b.get() & 0xff;
            }
            return out;
        }
    }

    private Npy() {}

    public static Array read(InputStream in) throws IOException {
        byte[] magic = in.readNBytes(6);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new IOException("not a .npy file (bad magic)");
        }
        int major = in.read();
        in.read();
        int headerLen;
        if (major == 1) {
            byte[] l = in.readNBytes(2);
            headerLen = (l[0] & 0xff) | (l[1] & 0xff) << 8;
        } else {
            byte[] l = in.readNBytes(4);
            headerLen = ByteBuffer.wrap(l).order(ByteOrder.LITTLE_ENDIAN).getInt();
        }
        String header = new String(in.readNBytes(headerLen), StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header);
        Matcher f = FORTRAN.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !f.find() || !s.find()) {
            throw new IOException("unreadable .npy header: " + header);
        }
        if (f.group(1).equals("True")) {
            throw new IOException(".npy in Fortran order is not supported");
        }
        if (d.group(1).equals(">")) {
            throw new IOException("big-endian .npy is not supported");
        }
        String dtype = d.group(2) + d.group(3);
        int itemSize = Integer.parseInt(d.group(3));
        int[] shape = Arrays.stream(s.group(1).split(","))
                .map(String::trim).filter(t -> !t.isEmpty()).mapToInt(Integer::parseInt).toArray();
        long n = Tensor.numel(shape) * itemSize;
        byte[] data = in.readNBytes(Math.toIntExact(n));
        if (data.length != n) {
            throw new IOException(".npy data truncated: expected " + n + " bytes, got " + data.length);
        }
        return new Array(shape, dtype, data);
    }

    public static void writeFloat32(OutputStream out, Tensor t) throws IOException {
        writeHeader(out, "<f4", t.shape());
        out.write(littleEndian(t.data()));
    }

    /** The header of a float32 array; the caller then streams its values with {@link #littleEndian}. */
    public static void writeFloat32Header(OutputStream out, int[] shape) throws IOException {
        writeHeader(out, "<f4", shape);
    }

    public static byte[] littleEndian(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return b.array();
    }

    public static void writeUint8(OutputStream out, int[] shape, byte[] data) throws IOException {
        write(out, "|u1", shape, data);
    }

    public static byte[] float32Bytes(Tensor t) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        writeFloat32(bos, t);
        return bos.toByteArray();
    }

    private static void write(OutputStream out, String descr, int[] shape, byte[] data) throws IOException {
        writeHeader(out, descr, shape);
        out.write(data);
    }

    private static void writeHeader(OutputStream out, String descr, int[] shape) throws IOException {
        StringBuilder shapeText = new StringBuilder("(");
        for (int d : shape) {
            shapeText.append(d).append(", ");
        }
        if (shape.length > 1) {
            shapeText.setLength(shapeText.length() - 2);
        } else if (shape.length == 1) {
            shapeText.setLength(shapeText.length() - 1);
        }
        shapeText.append(')');
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shapeText + ", }";
        int unpadded = MAGIC.length + 2 + 2 + dict.length() + 1;
        int pad = (64 - unpadded % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        out.write(MAGIC);
        out.write(new byte[] {1, 0, (byte) (header.length() & 0xff), (byte) (header.length() >> 8)});
        out.write(header.getBytes(StandardCharsets.ISO_8859_1));
    }
}
