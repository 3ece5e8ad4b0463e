package ai.stylefarm.gateway.models;

import ai.stylefarm.domain.models.ModelRepository;
import ai.stylefarm.domain.models.ModelView;
import ai.stylefarm.domain.storage.Bucket;
import ai.stylefarm.gateway.api.ApiException;
import ai.stylefarm.gateway.config.GatewayConfig;
import ai.stylefarm.modelkit.ModelImportException;
import ai.stylefarm.modelkit.ModelKit;
import ai.stylefarm.modelkit.bundle.BundleException;
import ai.stylefarm.modelkit.bundle.ModelBundle;
import ai.stylefarm.modelkit.bundle.ModelManifest;
import ai.stylefarm.modelkit.importer.ImportedGenerator;
import ai.stylefarm.modelkit.importer.Importers;
import ai.stylefarm.schemas.ObjectKeys;
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
import java.util.concurrent.Semaphore;
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
    private final ModelRepository models;
    private final Bucket storage;
    private final GatewayConfig.Api limits;
    private final Semaphore imports;

    public ModelImporter(ModelRepository models, Bucket storage, GatewayConfig config) {
        this.models = models;
        this.storage = storage;
        this.limits = config.api();
        this.imports = new Semaphore(Math.max(1, limits.maxConcurrentImports()));
    }

    /** Imports an uploaded file (pickle, checkpoint or zipped bundle). */
    public ModelView importUpload(String slug, String tenant, String name, InputStream body) {
        return whileImporting(() -> {
            Path work = tempDir();
            try {
                Path file = work.resolve("upload");
                long size = copyLimited(body, file, limits.maxModelBytes(), "api.max-model-bytes");
                if (size == 0) {
                    throw ApiException.badRequest("body", "the upload is empty; send the model file as the request body");
                }
                String key = models.reserve(slug, tenant, name, "bundle");
                try {
                    ModelBundle bundle;
                    String source;
                    if (isBundleZip(file)) {
                        // The step graph is derived here, whatever the zip holds: nothing else could check an uploaded
                        // one, and bundles made before projection existed have none.
                        bundle = ModelKit.rebuildProjectionStep(unzipBundle(file, work.resolve("bundle")));
                        source = "bundle";
                    } else {
                        ImportedGenerator g = Importers.importFile(file);
                        source = "rosinality".equals(g.provenance().format()) ? "rosinality" : "nvidia_pickle";
                        bundle = ModelKit.writeBundle(g, name, work.resolve("bundle"));
                    }
                    return store(key, source, bundle);
                } catch (ModelImportException | BundleException e) {
                    models.release(key);
                    throw ApiException.invalid("body", e.getMessage());
                } catch (RuntimeException e) {
                    models.release(key);
                    throw e;
                }
            } finally {
                delete(work);
            }
        });
    }

    /** Builds a seeded random generator of a preset config: the model kit's init, for demos and tests. */
    public ModelView randomInit(String slug, String tenant, String name, String config, long seed) {
        return whileImporting(() -> {
            Path work = tempDir();
            try {
                String key = models.reserve(slug, tenant, name, "random");
                try {
                    ModelBundle bundle = ModelKit.writeBundle(ModelKit.randomInit(config, seed), name,
                            work.resolve("bundle"));
                    return store(key, "random", bundle);
                } catch (RuntimeException e) {
                    models.release(key);
                    throw e;
                }
            } finally {
                delete(work);
            }
        });
    }

    /** Imports cost a model's size in memory and disk for a while: a few at a time, the rest asked to come back. */
    private ModelView whileImporting(java.util.function.Supplier<ModelView> work) {
        if (!imports.tryAcquire()) {
            throw ApiException.busy("body", limits.maxConcurrentImports() + " model imports are running in this"
                    + " gateway, its limit api.max-concurrent-imports; try again shortly", 10);
        }
        try {
            return work.get();
        } finally {
            imports.release();
        }
    }

    /** Deletes a model no live job uses: the row first (so no new job can take it), then its bundle's objects. */
    public void delete(ModelView model) {
        models.delete(model);
        storage.removeUnder(ObjectKeys.model(model.key(), ""), Integer.MAX_VALUE);
        LOG.infof("Model %s of %s deleted (key %s)", model.id(), model.tenant() == null ? "every tenant" : model.tenant(),
                model.key());
    }

    private ModelView store(String key, String source, ModelBundle bundle) {
        // model.json last: a worker that sees it can trust the graphs beside it.
        List<String> files = new java.util.ArrayList<>(bundle.manifest().files().keySet());
        files.add(ModelManifest.FILE_NAME);
        for (String file : files) {
            storage.upload(ObjectKeys.model(key, file), bundle.file(file),
                    file.endsWith(".json") ? "application/json" : "application/octet-stream");
        }
        String metadata;
        try {
            metadata = Files.readString(bundle.file(ModelManifest.FILE_NAME), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        models.markReady(key, source, bundle.checksum(), metadata);
        ModelManifest m = bundle.manifest();
        LOG.infof("Model %s registered (%s, %dx%d, %s)", key, source, m.resolution(), m.resolution(), bundle.checksum());
        return models.findByKey(key).orElseThrow();
    }

    private static boolean isBundleZip(Path file) {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            return zip.getEntry(ModelManifest.FILE_NAME) != null;
        } catch (IOException notAZip) {
            return false;
        }
    }

    /**
     * Inflates the bundle's files, bounded before and while writing: the zip's directory must claim no more than
     * {@code api.max-bundle-bytes} in all, and each entry is cut off as soon as it passes that total or inflates
     * more than {@code api.max-compression-ratio} times its compressed size, whatever the directory claimed.
     */
    private Path unzipBundle(Path zipFile, Path dir) {
        try (ZipFile zip = new ZipFile(zipFile.toFile())) {
            Files.createDirectories(dir);
            Set<String> expected = Set.copyOf(BUNDLE_FILES);
            List<ZipEntry> entries = new java.util.ArrayList<>();
            long claimed = 0;
            for (String name : BUNDLE_FILES) {
                ZipEntry entry = zip.getEntry(name);
                if (entry == null && name.equals(ModelBundle.PROJECTION_STEP)) {
                    continue;
                }
                if (entry == null) {
                    throw new BundleException("the bundle zip has no " + name + "; a bundle holds " + expected);
                }
                claimed += Math.max(0, entry.getSize());
                entries.add(entry);
            }
            if (claimed > limits.maxBundleBytes()) {
                throw tooLargeBundle("its directory says the files inflate to " + claimed + " bytes");
            }
            long total = 0;
            for (ZipEntry entry : entries) {
                long budget = limits.maxBundleBytes() - total;
                long ratioCap = Math.max(1, entry.getCompressedSize()) * limits.maxCompressionRatio();
                try (InputStream in = zip.getInputStream(entry);
                     var out = Files.newOutputStream(dir.resolve(entry.getName()))) {
                    byte[] buffer = new byte[1 << 16];
                    long written = 0;
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        written += n;
                        if (written > budget) {
                            throw tooLargeBundle(entry.getName() + " alone inflates past what is left of it");
                        }
                        if (written > ratioCap && written > 1 << 20) {
                            throw new ApiException(422, "Unprocessable Content", "body", entry.getName() + " in the"
                                    + " bundle zip inflates more than " + limits.maxCompressionRatio() + " times its"
                                    + " compressed size (" + entry.getCompressedSize() + " bytes), over the limit"
                                    + " api.max-compression-ratio; graph weights barely compress, so this is refused"
                                    + " as a zip bomb");
                        }
                        out.write(buffer, 0, n);
                    }
                    total += written;
                }
            }
            return dir;
        } catch (IOException e) {
            throw new BundleException("unreadable bundle zip: " + e.getMessage(), e);
        }
    }

    private ApiException tooLargeBundle(String why) {
        return new ApiException(413, "Content Too Large", "body", "the bundle zip is too large: " + why
                + ", over the limit api.max-bundle-bytes = " + limits.maxBundleBytes() + " bytes");
    }

    /** Copies at most {@code max} bytes; 413 naming {@code limit} past that. */
    private static long copyLimited(InputStream in, Path target, long max, String limit) {
        try (var out = Files.newOutputStream(target)) {
            byte[] buffer = new byte[1 << 16];
            long total = 0;
            for (int n; (n = in.read(buffer)) > 0; ) {
                total += n;
                if (total > max) {
                    throw ApiException.tooLarge("the upload is larger than " + max + " bytes, the limit " + limit);
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
