package ai.stylefarm.modelkit.importer;

import ai.stylefarm.modelkit.ModelImportException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
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
                s.setBytes(() -> readEntry(zip, entry));
            }
            return s;
        });
    }

    private static ByteBuffer readEntry(ZipFile zip, ZipEntry entry) {
        try (InputStream in = zip.getInputStream(entry)) {
            return ByteBuffer.wrap(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + entry.getName() + ": " + e.getMessage(), e);
        }
    }
}
