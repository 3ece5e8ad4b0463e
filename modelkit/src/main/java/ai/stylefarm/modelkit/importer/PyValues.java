package ai.stylefarm.modelkit.importer;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.PickleException;

/** The Python values an allowed pickle may build, as plain Java data. */
final class PyValues {
    private PyValues() {}

    /** A dict subclass (OrderedDict, EasyDict). Attributes set through BUILD (e.g. a state dict's _metadata) are dropped. */
    static final class PyDict extends LinkedHashMap<Object, Object> implements RestrictedUnpickler.Buildable {
        @Override
        public void setState(Object state) {
            // dict subclasses carry only attribute dicts here; their items came through SETITEMS.
        }
    }

    /**
     * An object rebuilt from its class name and attribute dict: NVIDIA's persistent network modules
     * ({@code torch_utils.persistence}) and {@code argparse.Namespace}.
     */
    static final class PyObject implements RestrictedUnpickler.Buildable {
        final String className;
        /** Source text of the defining module, as NVIDIA's persistence records it; read, never run. */
        final String moduleSource;
        final Map<Object, Object> state = new HashMap<>();

        PyObject(String className, String moduleSource) {
            this.className = className;
            this.moduleSource = moduleSource;
        }

        @Override
        public void setState(Object s) {
            if (s instanceof Map<?, ?> m) {
                state.putAll(m);
            }
        }

        Object get(String key) {
            return state.get(key);
        }

        @SuppressWarnings("unchecked")
        Map<Object, Object> map(String key) {
            Object v = state.get(key);
            return v instanceof Map<?, ?> m ? (Map<Object, Object>) m : Map.of();
        }

        @Override
        public String toString() {
            return className;
        }
    }

    /** {@code numpy.dtype}: only the type code and byte order matter, to decode scalars. */
    static final class NumpyDtype implements RestrictedUnpickler.Buildable {
        final String code;
        boolean bigEndian;

        NumpyDtype(String code) {
            this.code = code;
        }

        @Override
        public void setState(Object state) {
            if (state instanceof Object[] t && t.length > 1 && ">".equals(t[1])) {
                bigEndian = true;
            }
        }

        /** {@code numpy.core.multiarray.scalar(dtype, bytes)} as a Java number or boolean. */
        Object scalar(byte[] raw) {
            ByteBuffer b = ByteBuffer.wrap(raw).order(bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
            return switch (code) {
                case "f8" -> b.getDouble();
                case "f4" -> (double) b.getFloat();
                case "f2" -> (double) halfToFloat(b.getShort());
                case "i8" -> b.getLong();
                case "i4" -> (long) b.getInt();
                case "i2" -> (long) b.getShort();
                case "i1" -> (long) b.get();
                case "u1" -> (long) (b.get() & 0xff);
                case "u4" -> b.getInt() & 0xffffffffL;
                case "u8" -> new BigInteger(Long.toUnsignedString(b.getLong()));
                case "b1" -> b.get() != 0;
                default -> throw new IllegalArgumentException("numpy scalar of dtype '" + code + "' is not supported");
            };
        }
    }

    /**
     * A torch storage class, e.g. {@code torch.FloatStorage}. Pickles name it as a class inside persistent ids, so
     * the global resolves to this value itself; calling it is not something a checkpoint does.
     */
    record StorageType(String dtype) implements IObjectConstructor {
        @Override
        public Object construct(Object[] args) {
            throw new PickleException("a torch storage class cannot be called while loading");
        }
    }

    /** IEEE 754 binary16 → float (Java 17 has no Float.float16ToFloat). */
    static float halfToFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            float v = mant * 0x1p-24f; // subnormal: mant · 2^-24
            return sign == 0 ? v : -v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    static double toDouble(Object v, String what) {
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        throw new IllegalArgumentException(what + " is not a number: " + v);
    }

    static int toInt(Object v, String what) {
        if (v instanceof Number n) {
            return Math.toIntExact(n.longValue());
        }
        throw new IllegalArgumentException(what + " is not an integer: " + v);
    }
}
