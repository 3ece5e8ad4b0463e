package ai.stylefarm.modelkit.io;

import ai.stylefarm.modelkit.stylegan.Tensor;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/** NumPy {@code .npz}: a zip of {@code <key>.npy} entries, readable by {@code np.load}. */
public final class Npz {
    private static final long FIXED_TIME = 315532800000L; // 1980-01-01, the zip epoch

    private Npz() {}

    public static void write(Path file, Map<String, Tensor> arrays) throws IOException {
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, Tensor> e : arrays.entrySet()) {
                ZipEntry entry = new ZipEntry(e.getKey() + ".npy");
                entry.setTime(FIXED_TIME); // same arrays, same bytes: bundle checksums must not depend on the clock
                zip.putNextEntry(entry);
                Npy.writeFloat32(zip, e.getValue());
                zip.closeEntry();
            }
        }
    }

    public static Map<String, Tensor> read(Path file) throws IOException {
        Map<String, Tensor> out = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            var entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                if (e.getName().endsWith(".npy")) {
                    try (var in = zip.getInputStream(e)) {
                        out.put(e.getName().substring(0, e.getName().length() - 4), Npy.read(in).toTensor());
                    }
                }
            }
        }
        return out;
    }
}
