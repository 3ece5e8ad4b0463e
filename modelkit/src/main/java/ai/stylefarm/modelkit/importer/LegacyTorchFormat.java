package ai.stylefarm.modelkit.importer;

import ai.stylefarm.modelkit.ModelImportException;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.PickleException;

/**
 * torch.save's legacy (pre-zip) format: five pickles in a row (magic number, protocol 1001, system info, the object
 * with storages as persistent ids, the storage keys), then each storage's element count and raw bytes. NVIDIA's
 * pickles embed one such blob per storage ({@code torch.storage._load_from_bytes}); old checkpoints are one.
 */
final class LegacyTorchFormat {
    static final BigInteger MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);
    private static final int PROTOCOL = 1001;

    private LegacyTorchFormat() {}

    /** The blob of {@code torch.storage._load_from_bytes}: a saved storage. */
    static TorchStorage readStorage(byte[] blob, String what) {
        Object o = read(new ByteArrayInputStream(blob), what, TorchGlobals.tensors());
        if (!(o instanceof TorchStorage s)) {
            throw new ModelImportException(what + ": embedded storage blob holds " + describe(o) + ", not a storage");
        }
        return s;
    }

    /** Reads one legacy torch.save stream; the magic number must already be known to be next. */
    static Object read(InputStream in, String what, Map<String, IObjectConstructor> globals) {
        try {
            Object magic = new RestrictedUnpickler(what, globals, null).load(in);
            if (!MAGIC.equals(toBig(magic))) {
                throw new ModelImportException(what + ": not a torch.save file (bad magic number)");
            }
            return readAfterMagic(in, what, globals);
        } catch (IOException | PickleException e) {
            throw corrupt(what, e);
        }
    }

    /** The part of a legacy stream after its magic-number pickle. */
    static Object readAfterMagic(InputStream in, String what, Map<String, IObjectConstructor> globals) {
        try {
            Object protocol = new RestrictedUnpickler(what, globals, null).load(in);
            if (!(protocol instanceof Number p) || p.intValue() != PROTOCOL) {
                throw new ModelImportException(what + ": torch.save protocol " + protocol + " is not supported");
            }
            Object sysInfo = new RestrictedUnpickler(what, globals, null).load(in);
            if (sysInfo instanceof Map<?, ?> info && Boolean.FALSE.equals(info.get("little_endian"))) {
                throw new ModelImportException(what + ": big-endian torch files are not supported");
            }
            Map<String, TorchStorage> storages = new HashMap<>();
            Object result = new RestrictedUnpickler(what, globals, pid -> storage(pid, storages, what)).load(in);
            Object keys = new RestrictedUnpickler(what, globals, null).load(in);
            DataInputStream data = new DataInputStream(in);
            for (Object key : (List<?>) keys) {
                TorchStorage s = storages.get(String.valueOf(key));
                long numel = Long.reverseBytes(data.readLong());
                if (s == null || numel != s.numel()) {
                    throw new ModelImportException(what + ": storage " + key + " has " + numel
                            + " elements on disk, the pickle says " + (s == null ? "nothing" : s.numel()));
                }
                if (s.byteSize() > Integer.MAX_VALUE - 8) {
                    throw new ModelImportException(what + ": storage " + key + " claims " + s.byteSize()
                            + " bytes, more than any generator tensor");
                }
                // Allocated as the bytes arrive: a file that claims more than it holds is truncated, not an OOM.
                byte[] bytes = data.readNBytes((int) s.byteSize());
                if (bytes.length < s.byteSize()) {
                    throw new EOFException("storage " + key + " ends after " + bytes.length + " of " + s.byteSize()
                            + " bytes");
                }
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                s.setBytes(buf::duplicate);
            }
            return result;
        } catch (IOException | PickleException e) {
            throw corrupt(what, e);
        }
    }

    /** ('storage', storage_type, key, location, numel, view_metadata). */
    private static TorchStorage storage(Object pid, Map<String, TorchStorage> storages, String what) {
        if (!(pid instanceof Object[] t) || t.length < 5 || !"storage".equals(t[0])
                || !(t[1] instanceof PyValues.StorageType type)) {
            throw new ModelImportException(what + ": unsupported persistent id " + describe(pid));
        }
        if (t.length > 5 && t[5] != null) {
            throw new ModelImportException(what + ": storage views are not supported");
        }
        String key = String.valueOf(t[2]);
        return storages.computeIfAbsent(key, k -> new TorchStorage(type.dtype(), ((Number) t[4]).longValue()));
    }

    static ModelImportException corrupt(String what, Exception e) {
        if (e instanceof EOFException || String.valueOf(e.getMessage()).matches(".*(end of file|expected more bytes).*")) {
            return new ModelImportException(what + ": the file is truncated (it ends in the middle of the data)", e);
        }
        if (e.getCause() instanceof ModelImportException m) {
            return m;
        }
        return new ModelImportException(what + ": corrupt pickle data: " + e.getMessage(), e);
    }

    private static BigInteger toBig(Object o) {
        if (o instanceof BigInteger b) {
            return b;
        }
        return o instanceof Number n ? BigInteger.valueOf(n.longValue()) : null;
    }

    static String describe(Object o) {
        return o == null ? "None" : o instanceof Object[] a ? "a tuple of " + a.length : o.getClass().getSimpleName();
    }
}
