package ai.stylefarm.worker;

import ai.stylefarm.domain.storage.Bucket;
import ai.stylefarm.modelkit.bundle.ModelBundle;
import ai.stylefarm.modelkit.bundle.ModelManifest;
import ai.stylefarm.modelkit.inference.ExecutionDevice;
import ai.stylefarm.modelkit.inference.GeneratorSession;
import ai.stylefarm.modelkit.inference.ProjectionSession;
import ai.stylefarm.modelkit.inference.SessionSettings;
import ai.stylefarm.schemas.LocalPaths;
import ai.stylefarm.schemas.ObjectKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Model bundles for tasks: on local disk under {@code <cacheDir>/models/<sha256>/}, keyed by the checksum of
 * {@code model.json} that the task names (so a re-registered model under the same id is never served stale), and
 * the most recently used few open in ONNX Runtime.
 *
 * <p>Used by the task that holds the render lanes, one at a time, though tasks run on more than one thread. An
 * evicted session is closed on the spot, which is only safe because nothing else can still be using it: render
 * lanes finish their batches before a task gives them up, and a task storing its last outputs needs no session.
 */
public final class ModelCache implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelCache.class);
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private final Bucket store;
    private final Path modelsDir;
    private final Path tmpDir;
    private final SessionSettings settings;
    private final SessionSettings projectionSettings;
    private final Map<String, GeneratorSession> open;

    /**
     * @param renderThreads     ONNX Runtime threads per operator of a generator session (1 when several render
     *                          lanes share the cores)
     * @param projectionThreads the same for projection steps, which run one at a time
     */
    public ModelCache(Bucket store, Path cacheDir, ExecutionDevice device, int renderThreads,
                      int projectionThreads, int openSessions) {
        this.store = store;
        this.modelsDir = cacheDir.resolve("models");
        this.tmpDir = cacheDir.resolve("tmp");
        // No spinning: the upload pool and, on a shared host, other services need the cores between operators.
        this.settings = new SessionSettings(device, renderThreads, false);
        this.projectionSettings = new SessionSettings(device, projectionThreads, false);
        this.open = new LinkedHashMap<>(4, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, GeneratorSession> eldest) {
                if (size() > openSessions) {
                    LOG.info("Closing model {} (least recently used)", eldest.getKey());
                    eldest.getValue().close();
                    return true;
                }
                return false;
            }
        };
        try {
            Files.createDirectories(modelsDir);
            Files.createDirectories(tmpDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create model cache under " + cacheDir, e);
        }
    }

    /**
     * An open session for the bundle at {@code models/<modelId>/} whose model.json has checksum {@code sha256}.
     * The session belongs to the cache: do not close it.
     *
     * @param label how the model's owner names it, for reasons that a user reads
     * @throws ModelUnavailableException with a reason that names the model
     */
    public synchronized GeneratorSession session(String modelId, String label, String sha256) {
        GeneratorSession session = open.get(sha256);
        if (session != null) {
            return session;
        }
        try {
            ModelBundle bundle = bundle(modelId, label, sha256);
            session = GeneratorSession.open(bundle, settings);
        } catch (ModelUnavailableException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ModelUnavailableException("model " + label + " (" + sha256 + ") cannot be loaded: "
                    + LocalPaths.hide(e.getMessage()), e);
        }
        open.put(sha256, session);
        return session;
    }

    /** The projection step graph of a cached bundle, for one target, with the cache's settings; the caller closes it. */
    ProjectionSession projectionSession(ModelBundle bundle, float[] target) {
        return ProjectionSession.open(bundle, projectionSettings, target);
    }

    /** The bundle on local disk (downloaded when missing), for graphs beyond rendering such as projection. */
    synchronized ModelBundle bundle(String modelId, String label, String sha256) {
        if (!SHA256.matcher(sha256).matches()) {
            // It becomes a directory name; never let a message pick a path.
            throw new ModelUnavailableException("model " + label + ": model_sha256 '" + sha256
                    + "' is not a lower-case hex sha256", null);
        }
        Path cached = modelsDir.resolve(sha256);
        if (Files.isDirectory(cached)) {
            try {
                // Checksums only: the smoke render passed when this directory was made.
                return ModelBundle.openUnverifiedRender(cached);
            } catch (RuntimeException e) {
                LOG.warn("Cached model {} is damaged ({}); downloading it again", cached, e.getMessage());
                deleteTree(cached);
            }
        }
        return download(modelId, label, sha256, cached);
    }

    private void fetch(String modelId, String label, String file, Path dir) {
        try {
            store.download(ObjectKeys.model(modelId, file), dir.resolve(file));
        } catch (Bucket.NotFoundException e) {
            throw new ModelUnavailableException("model " + label + " not found: " + e.getMessage(), e);
        }
    }

    /** Into a private temp dir first, so a crash or a bad bundle never leaves a half-filled cache entry. */
    private ModelBundle download(String modelId, String label, String sha256, Path cached) {
        Path tmp = tmpDir.resolve(sha256 + "-" + UUID.randomUUID());
        try {
            Files.createDirectories(tmp);
            fetch(modelId, label, ModelManifest.FILE_NAME, tmp);
            // model.json lists every file with its checksum (the projection step graph when it exists); reading it
            // checks that the names stay inside the bundle directory.
            for (String file : ModelBundle.readManifest(tmp).files().keySet()) {
                fetch(modelId, label, file, tmp);
            }
            ModelBundle verified = ModelBundle.open(tmp);
            String actual = verified.checksum();
            if (!actual.equals(sha256)) {
                throw new ModelUnavailableException("model " + label + " in storage has model.json sha256 "
                        + actual + ", but the task expects " + sha256, null);
            }
            try {
                Files.move(tmp, cached, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
                // Another worker process sharing this cache dir won the race with identical content.
                deleteTree(tmp);
            } catch (AtomicMoveNotSupportedException e) {
                throw new UncheckedIOException("cache dir " + modelsDir + " and " + tmpDir
                        + " must be on one file system", e);
            }
            LOG.info("Cached model {} ({}) under {}", modelId, sha256, cached);
            return ModelBundle.openUnverifiedRender(cached);
        } catch (IOException e) {
            throw new ModelUnavailableException("model " + label + " cannot be cached: "
                    + LocalPaths.hide(e.getMessage()), e);
        } finally {
            deleteTree(tmp);
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    LOG.warn("Could not delete {}: {}", p, e.getMessage());
                }
            });
        } catch (IOException e) {
            LOG.warn("Could not delete {}: {}", dir, e.getMessage());
        }
    }

    @Override
    public synchronized void close() {
        open.values().forEach(GeneratorSession::close);
        open.clear();
    }

    /** The model named by a task cannot be had; retryable, since storage or the registry may be fixed. */
    public static final class ModelUnavailableException extends RuntimeException {
        public ModelUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
