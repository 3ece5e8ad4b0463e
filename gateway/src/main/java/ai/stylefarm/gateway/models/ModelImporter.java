package ai.stylefarm.gateway.models;

import ai.stylefarm.gateway.api.ApiException;
import ai.stylefarm.gateway.storage.ObjectStorage;
import ai.stylefarm.modelkit.ModelImportException;
import ai.stylefarm.modelkit.ModelKit;
import ai.stylefarm.modelkit.bundle.BundleException;
import ai.stylefarm.modelkit.bundle.ModelBundle;
import ai.stylefarm.modelkit.bundle.ModelManifest;
import ai.stylefarm.modelkit.importer.ImportedGenerator;
import ai.stylefarm.modelkit.importer.Importers;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.jboss.logging.Logger;

/**
 * Turns what a user sends into a registered model: a network pickle or checkpoint is imported by the model kit
 * (parsed as data, never executed), a zipped bundle is checked as it is, and a random-init recipe is built. The
 * bundle goes to {@code models/{id}/} and the row becomes READY only after every file is stored.
 */
@ApplicationScoped
public class ModelImporter {
    private static final Logger LOG = Logger.getLogger(ModelImporter.class);
    /** What a bundle zip may hold; the projection step graph is absent from bundles made before projection. */
    private static final List<String> BUNDLE_FILES = List.of(ModelBundle.MAPPING, ModelBundle.SYNTHESIS,
            ModelBundle.NOISE_CONST, ModelBundle.PROJECTION_STEP, ModelManifest.FILE_NAME);
    /** Anything bigger than this per entry is not one of our files. */
    private static final long MAX_ENTRY_BYTES = 4L << 30;

    private final ModelStore models;
    private final ObjectStorage storage;

    public ModelImporter(ModelStore models, ObjectStorage storage) {
        this.models = models;
        this.storage = storage;
    }

    /** Imports an uploaded file (pickle, checkpoint or zipped bundle). */
    public ModelView importUpload(String id, String tenant, String name, InputStream body, long maxBytes) {
        Path work = tempDir();
        try {
            Path file = work.resolve("upload");
            long size = copyLimited(body, file, maxBytes);
            if (size == 0) {
                throw ApiException.badRequest("body", "the upload is empty; send the model file as the request body");
            }
            models.reserve(id, tenant, name, "bundle");
            try {
                Path bundleZip = isBundleZip(file) ? file : null;
                ModelBundle bundle;
                String source;
                if (bundleZip != null) {
                    // The step graph is derived here, whatever the zip holds: nothing else could check an uploaded one,
                    // and bundles made before projection existed have none.
                    bundle = ModelKit.rebuildProjectionStep(unzipBundle(bundleZip, work.resolve("bundle")));
                    source = "bundle";
                } else {
                    ImportedGenerator g = Importers.importFile(file);
                    source = "rosinality".equals(g.provenance().format()) ? "rosinality" : "nvidia_pickle";
                    bundle = ModelKit.writeBundle(g, name, work.resolve("bundle"));
                }
                return store(id, tenant, source, bundle);
            } catch (ModelImportException | BundleException e) {
                models.release(id);
                throw ApiException.invalid("body", e.getMessage());
            } catch (RuntimeException e) {
                models.release(id);
                throw e;
            }
        } finally {
            delete(work);
        }
    }

    /** Builds a seeded random generator of a preset config: the model kit's init, for demos and tests. */
    public ModelView randomInit(String id, String tenant, String name, String config, long seed) {
        Path work = tempDir();
        try {
            models.reserve(id, tenant, name, "random");
            try {
                ModelBundle bundle = ModelKit.writeBundle(ModelKit.randomInit(config, seed), name, work.resolve("bundle"));
                return store(id, tenant, "random", bundle);
            } catch (RuntimeException e) {
                models.release(id);
                throw e;
            }
        } finally {
            delete(work);
        }
    }

    private ModelView store(String id, String tenant, String source, ModelBundle bundle) {
        // model.json last: a worker that sees it can trust the graphs beside it.
        List<String> files = new java.util.ArrayList<>(bundle.manifest().files().keySet());
        files.add(ModelManifest.FILE_NAME);
        for (String file : files) {
            storage.upload("models/" + id + "/" + file, bundle.file(file),
                    file.endsWith(".json") ? "application/json" : "application/octet-stream");
        }
        String metadata;
        try {
            metadata = Files.readString(bundle.file(ModelManifest.FILE_NAME), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        models.markReady(id, source, bundle.checksum(), metadata);
        ModelManifest m = bundle.manifest();
        LOG.infof("Model %s registered (%s, %dx%d, %s)", id, source, m.resolution(), m.resolution(), bundle.checksum());
        return models.find(id, null).orElseThrow();
    }

    private static boolean isBundleZip(Path file) {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            return zip.getEntry(ModelManifest.FILE_NAME) != null;
        } catch (IOException notAZip) {
            return false;
        }
    }

    private static Path unzipBundle(Path zipFile, Path dir) {
        try (ZipFile zip = new ZipFile(zipFile.toFile())) {
            Files.createDirectories(dir);
            Set<String> expected = Set.copyOf(BUNDLE_FILES);
            for (String name : BUNDLE_FILES) {
                ZipEntry entry = zip.getEntry(name);
                if (entry == null && name.equals(ModelBundle.PROJECTION_STEP)) {
                    continue;
                }
                if (entry == null) {
                    throw new BundleException("the bundle zip has no " + name + "; a bundle holds " + expected);
                }
                try (InputStream in = zip.getInputStream(entry)) {
                    if (copyLimited(in, dir.resolve(name), MAX_ENTRY_BYTES) >= MAX_ENTRY_BYTES) {
                        throw new BundleException(name + " in the bundle zip is too large");
                    }
                }
            }
            return dir;
        } catch (IOException e) {
            throw new BundleException("unreadable bundle zip: " + e.getMessage(), e);
        }
    }

    /** Copies at most {@code max} bytes; 413 past that. */
    private static long copyLimited(InputStream in, Path target, long max) {
        try (var out = Files.newOutputStream(target)) {
            byte[] buffer = new byte[1 << 16];
            long total = 0;
            for (int n; (n = in.read(buffer)) > 0; ) {
                total += n;
                if (total > max) {
                    throw ApiException.tooLarge("the upload is larger than " + max + " bytes");
                }
                out.write(buffer, 0, n);
            }
            return total;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("stylefarm-import-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.warnf("Could not delete %s: %s", dir, e.getMessage());
        }
    }
}
