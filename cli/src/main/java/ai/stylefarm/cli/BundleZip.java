package ai.stylefarm.cli;

import ai.stylefarm.modelkit.bundle.ModelBundle;
import ai.stylefarm.modelkit.bundle.ModelManifest;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** A bundle directory as the zip that {@code POST /v1/models} takes. */
final class BundleZip {
    private BundleZip() {
    }

    static Path zip(Path bundleDir) throws IOException {
        ModelBundle bundle = ModelBundle.openUnverifiedRender(bundleDir); // fails early on a broken bundle
        Path zip = Files.createTempFile("bundle-", ".zip");
        try (OutputStream out = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(out)) {
            List<String> names = new java.util.ArrayList<>(List.of(ModelManifest.FILE_NAME));
            names.addAll(bundle.manifest().files().keySet());
            for (String name : names) {
                z.putNextEntry(new ZipEntry(name));
                Files.copy(bundle.file(name), z);
                z.closeEntry();
            }
        }
        return zip;
    }
}
