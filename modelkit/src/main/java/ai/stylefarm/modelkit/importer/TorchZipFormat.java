package ai.stylefarm.modelkit.importer;

import ai.stylefarm.modelkit.ModelImportException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.PickleException;

/**
 * torch.save's zip format (torch ≥ 1.6): {@code <archive>/data.pkl} refers to storages as persistent ids, each
 * stored raw in {@code <archive>/data/<key>}. Storages are read only when a tensor is materialised.
 */
final class TorchZipFormat {
    private static final long MAX_STORAGE_BYTES = 1L << 30;
    private static final long MAX_RATIO = 20;

    private TorchZipFormat() {}

    /** The unpickled root object; its tensors read from {@code zip}, which must stay open until they are converted. */
    static Object read(ZipFile zip, String what, Map<String, IObjectConstructor> globals) {
        ZipEntry pkl = zip.stream().filter(e -> e.getName().endsWith("/data.pkl") || e.getName().equals("data.pkl"))
                .findFirst()
                .orElseThrow(() -> new ModelImportException(what + ": zip file without data.pkl: not a torch checkpoint"));
        String prefix = pkl.getName().substring(0, pkl.getName().length() - "data.pkl".length());
        Map<String, TorchStorage> storages = new HashMap<>();
        try (InputStream in = new BufferedInputStream(zip.getInputStream(pkl))) {
            return new RestrictedUnpickler(what, globals, pid -> storage(zip, prefix, pid, storages, what)).load(in);
        } catch (IOException | PickleException e) {
            throw LegacyTorchFormat.corrupt(what, e);
        }
    }

    /** ('storage', storage_type, key, location, numel). */
    private static TorchStorage storage(ZipFile zip, String prefix, Object pid, Map<String, TorchStorage> storages,
                                        String what) {
        if (!(pid instanceof Object[] t) || t.length < 5 || !"storage".equals(t[0])
                || !(t[1] instanceof PyValues.StorageType type)) {
            throw new ModelImportException(what + ": unsupported persistent id " + LegacyTorchFormat.describe(pid));
        }
        String key = String.valueOf(t[2]);
        return storages.computeIfAbsent(key, k -> {
            TorchStorage s = new TorchStorage(type.dtype(), ((Number) t[4]).longValue());
            ZipEntry entry = zip.getEntry(prefix + "data/" + k);
            if (entry != null) {
                s.setBytes(() -> readEntry(zip, entry, s.byteSize(), what));
            }
            return s;
        });
    }

    /**
     * A storage's bytes, never more than its tensor needs nor more than {@link #MAX_RATIO} times what the zip
     * holds for it: torch writes storages uncompressed, and a storage that inflates far past its compressed size is
     * a zip bomb, refused before it fills the heap.
     */
    private static ByteBuffer readEntry(ZipFile zip, ZipEntry entry, long expected, String what) {
        if (expected < 0 || expected > MAX_STORAGE_BYTES) {
            throw new ModelImportException(what + ": storage " + entry.getName() + " claims " + expected + " bytes,"
                    + " more than any generator tensor");
        }
        long cap = Math.min(expected, Math.max(0, entry.getCompressedSize()) * MAX_RATIO + (1 << 20));
        try (InputStream in = zip.getInputStream(entry)) {
            byte[] bytes = in.readNBytes((int) cap + 1);
            if (bytes.length > cap) {
                throw new ModelImportException(what + ": storage " + entry.getName() + (cap < expected
                        ? " inflates more than " + MAX_RATIO + " times its compressed size: a zip bomb"
                        : " holds more bytes than its tensor (" + expected + ")"));
            }
            return ByteBuffer.wrap(bytes);
        } catch (IOException e) {
            throw new ModelImportException(what + ": corrupt zip data in " + entry.getName() + ": " + e.getMessage(), e);
        }
    }
}
