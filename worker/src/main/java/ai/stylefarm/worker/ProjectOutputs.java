package ai.stylefarm.worker;

import ai.stylefarm.domain.storage.Bucket;
import ai.stylefarm.modelkit.bundle.BundleException;
import ai.stylefarm.modelkit.bundle.ModelBundle;
import ai.stylefarm.modelkit.bundle.ModelManifest;
import ai.stylefarm.modelkit.inference.GeneratorSession;
import ai.stylefarm.modelkit.inference.NoiseMode;
import ai.stylefarm.modelkit.inference.ProjectionSession;
import ai.stylefarm.modelkit.inference.RenderOptions;
import ai.stylefarm.modelkit.inference.Renderer;
import ai.stylefarm.modelkit.io.Npz;
import ai.stylefarm.modelkit.io.Pixels;
import ai.stylefarm.modelkit.projection.DetectionDistance;
import ai.stylefarm.modelkit.projection.LatentStats;
import ai.stylefarm.modelkit.projection.ProjectionOptions;
import ai.stylefarm.modelkit.projection.ProjectionResult;
import ai.stylefarm.modelkit.projection.Projector;
import ai.stylefarm.modelkit.projection.TargetImage;
import ai.stylefarm.modelkit.stylegan.Tensor;
import ai.stylefarm.modelkit.video.H264Encoder;
import ai.stylefarm.modelkit.video.H264Settings;
import ai.stylefarm.modelkit.video.PixelScale;
import ai.stylefarm.schemas.ObjectKeys;
import ai.stylefarm.schemas.ProjectTaskSpec;
import ai.stylefarm.schemas.ProjectionSpace;
import ai.stylefarm.schemas.TaskEvent;
import ai.stylefarm.schemas.TaskMessage;
import ai.stylefarm.schemas.documents.Documents;
import ai.stylefarm.schemas.documents.TargetMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

/**
 * Projects one target into the task's model and stores what the projection found: {@code projected_w.npz}
 * (NVIDIA's format), the noise maps, {@code proj.png} beside the prepared {@code target.png}, optionally
 * {@code proj.mp4}, and {@code metrics.json} with the verdict; the manifest part repeats the metrics for the report.
 */
final class ProjectOutputs {
    /** Uploads are at most 20 MiB by default, artifacts of earlier jobs are PNGs: a bigger target is refused. */
    private static final int MAX_TARGET_BYTES = 64 << 20;
    private static final int VIDEO_FPS = 30;
    /** A target's metrics.json is a few hundred bytes; more is not one. */
    private static final int MAX_METRICS_BYTES = 1 << 20;

    /** How often (in steps) a running projection checks for cancellation and shutdown. */
    private static final int CHECK_EVERY = 10;

    private final ModelCache models;
    private final Bucket store;
    private final Path tmp;
    /** w_avg and w_std per model checksum: 10,000 mappings are worth doing once per model, not per target. */
    private final Map<String, LatentStats> stats = new HashMap<>();

    ProjectOutputs(ModelCache models, Bucket store, Path tmp) {
        this.models = models;
        this.store = store;
        this.tmp = tmp;
    }

    /** Thrown out of the step loop when the task must stop; the projection is abandoned. */
    private static final class Stopped extends RuntimeException {
        Stopped() {
            super(null, null, false, false);
        }
    }

    /** @return the stored outputs, or null when {@code stopping} ended it early */
    List<TaskEvent.Output> run(TaskMessage task, ProjectTaskSpec spec, BooleanSupplier stopping, LongConsumer steps,
                               Instant deadline, Clock clock) {
        TargetImage target = target(task, spec);
        // Rendering a seed of another model may have evicted this task's session from the cache: ask again.
        GeneratorSession session = models.session(task.modelId(), task.displayModel(), task.modelSha256());
        ModelManifest m = session.manifest();
        LatentStats latentStats = stats.computeIfAbsent(task.modelSha256(), sha -> LatentStats.estimate(session));
        // Opened once per task: opening checks every file's sha256, the step graph's included.
        ModelBundle bundle = models.bundle(task.modelId(), task.displayModel(), task.modelSha256());
        Map<String, float[]> constNoise = new LinkedHashMap<>();
        bundle.noiseConst().forEach((k, t) -> constNoise.put(k, t.data()));
        ProjectionOptions options = new ProjectionOptions(spec.steps(),
                spec.space() == ProjectionSpace.W_PLUS ? ProjectionOptions.LatentSpace.W_PLUS
                        : ProjectionOptions.LatentSpace.W, spec.optimizeNoise(), spec.seed());
        int res = m.resolution();
        int channels = m.imgChannels();
        Path video = null;
        try {
            Files.createDirectories(tmp);
            video = spec.saveVideo() ? Files.createTempFile(tmp, "proj-", ".mp4") : null;
            ProjectionResult result;
            try (ProjectionSession step = projectionSession(bundle, target);
                 H264Encoder encoder = video == null ? null : new H264Encoder(video, 2 * res * scale(res),
                         res * scale(res), H264Settings.defaults(VIDEO_FPS))) {
                byte[] targetRgb = rgb(target.hwc(), channels, res);
                Projector.StepListener listener = (i, loss, img) -> {
                    if (i % CHECK_EVERY == 0 && stopping.getAsBoolean()) {
                        throw new Stopped();
                    }
                    if (i % CHECK_EVERY == 0 && clock.instant().isAfter(deadline)) {
                        throw new IllegalArgumentException("the projection ran past the worker's task time limit after "
                                + i + " of " + spec.steps() + " steps: ask for fewer steps");
                    }
                    if (encoder != null) {
                        byte[] synth = rgb(Pixels.toUint8Hwc(img, 0, channels, res, res), channels, res);
                        encoder.write(PixelScale.nearest(sideBySide(targetRgb, synth, res), 2 * res, res, scale(res)));
                    }
                };
                try {
                    result = new Projector(step, latentStats, constNoise).project(options, listener);
                } catch (Stopped e) {
                    return null;
                }
                if (encoder != null) {
                    encoder.finish();
                }
            }
            steps.accept(result.steps());
            return store(task, spec, m, target, result, video);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteQuietly(video);
        }
    }

    private List<TaskEvent.Output> store(TaskMessage task, ProjectTaskSpec spec, ModelManifest m, TargetImage target,
                                         ProjectionResult result, Path video) throws IOException {
        int res = m.resolution();
        int channels = m.imgChannels();
        List<TaskEvent.Output> outputs = new ArrayList<>();
        Map<String, Tensor> w = Map.of("w", new Tensor(new int[] {1, m.numWs(), m.wDim()}, result.ws()));
        outputs.add(putNpz(spec.key(ObjectKeys.PROJECTED_W), w));
        Map<String, Tensor> noise = new LinkedHashMap<>();
        for (ModelManifest.NoiseSpec n : m.noiseInputs()) {
            noise.put(n.name(), new Tensor(new int[] {n.resolution(), n.resolution()}, result.noise().get(n.name())));
        }
        outputs.add(putNpz(spec.key(ObjectKeys.PROJECTED_NOISE), noise));
        outputs.add(put(spec.key(ObjectKeys.PROJ_PNG),
                Pixels.png(Pixels.toUint8Hwc(result.img(), 0, channels, res, res), res, res, channels), "image/png"));
        outputs.add(put(spec.key(ObjectKeys.TARGET_PNG), Pixels.png(target.hwc(), res, res, channels), "image/png"));
        if (video != null) {
            outputs.add(store.uploadIfAbsent(spec.key(ObjectKeys.PROJ_MP4), video, "video/mp4").output(null));
        }
        TargetMetrics metrics = metrics(task, spec, result);
        Bucket.Stored stored = store.putIfAbsent(spec.key(ObjectKeys.METRICS), Documents.bytes(metrics),
                "application/json");
        outputs.add(stored.output(null));
        if (stored.adopted()) {
            // Another attempt's metrics are what storage holds: the report is built from them, not from this run.
            metrics = Documents.read(store.read(stored.key(), MAX_METRICS_BYTES), TargetMetrics.class);
        }
        Map<String, String> files = new LinkedHashMap<>();
        outputs.forEach(o -> files.put(o.key().substring(spec.outputPrefix().length()), o.key()));
        outputs.add(ManifestLines.storePart(store, task.jobId(), spec.taskIndex(), List.of(metrics.withFiles(files))));
        return outputs;
    }

    /**
     * MSE and PSNR of the reconstruction on the raw [-1, 1] scale, and the detection distance. The verdict compares
     * the distance with the threshold: at or below, the model very likely made the image.
     */
    private static TargetMetrics metrics(TaskMessage task, ProjectTaskSpec spec, ProjectionResult result) {
        ProjectTaskSpec.Target t = spec.target();
        boolean stored = t.key() != null;
        String targetModel = stored ? null : t.modelId() == null ? task.displayModel()
                : t.modelName() != null ? t.modelName() : t.modelId();
        DetectionDistance d = result.distance();
        return new TargetMetrics(t.name(), spec.taskIndex(), t.key(), stored ? null : t.seed(), targetModel,
                t.render(), spec.label(), task.displayModel(), result.mse(), result.psnr(), d.value(), d.latent(),
                d.residual(), result.steps(), spec.space(), spec.optimizeNoise(), spec.seed(),
                result.millis() / 1000.0, (double) result.millis() / result.steps(),
                TargetMetrics.Verdict.of(d.value(), spec.threshold()), null);
    }

    /** A bundle registered before projection existed has no step graph: no retry can change that. */
    private ProjectionSession projectionSession(ModelBundle bundle, TargetImage target) {
        try {
            return models.projectionSession(bundle, target.raw());
        } catch (BundleException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** The target as the model sees it: a stored image, or a seed rendered as generate.py renders it. */
    private TargetImage target(TaskMessage task, ProjectTaskSpec spec) {
        ProjectTaskSpec.Target t = spec.target();
        GeneratorSession own = models.session(task.modelId(), task.displayModel(), task.modelSha256());
        int res = own.manifest().resolution();
        int channels = own.manifest().imgChannels();
        if (t.key() != null) {
            byte[] bytes;
            try {
                bytes = store.read(t.key(), MAX_TARGET_BYTES);
            } catch (Bucket.NotFoundException e) {
                throw new IllegalArgumentException("target " + t.name() + " does not exist (" + t.key() + ")");
            } catch (Bucket.TooLargeException e) {
                throw new IllegalArgumentException("target " + t.name() + " is larger than " + MAX_TARGET_BYTES
                        + " bytes");
            }
            return TargetImage.decode(bytes, channels, res);
        }
        GeneratorSession source = t.modelId() == null ? own : models.session(t.modelId(),
                t.modelName() != null ? t.modelName() : t.modelId(), t.modelSha256());
        ModelManifest sm = source.manifest();
        Integer classIdx = sm.cDim() > 0 ? 0 : null;
        ProjectTaskSpec.Render how = t.renderOrDefault();
        Renderer.Rendered r = new Renderer(source).render(new long[] {t.seed()}, new RenderOptions((float) how.psi(),
                null, classIdx, NoiseMode.valueOf(how.noiseMode().name()), 1)).get(0);
        byte[] hwc = Pixels.toUint8Hwc(r.img(), 0, sm.imgChannels(), sm.resolution(), sm.resolution());
        hwc = TargetImage.convertChannels(hwc, sm.imgChannels(), channels);
        TargetImage.Decoded travelled = Perturbations.apply(hwc, sm.resolution(), channels, how.perturbation());
        return TargetImage.prepare(travelled.hwc(), travelled.width(), travelled.height(), channels, res);
    }

    private TaskEvent.Output putNpz(String key, Map<String, Tensor> arrays) throws IOException {
        Path file = Files.createTempFile(tmp, "proj-", ".npz");
        try {
            Npz.write(file, arrays);
            return store.uploadIfAbsent(key, file, "application/octet-stream").output(null);
        } finally {
            deleteQuietly(file);
        }
    }

    private TaskEvent.Output put(String key, byte[] bytes, String contentType) {
        return store.putIfAbsent(key, bytes, contentType).output(null);
    }

    /** Target on the left, synthesis on the right, as projector.py's video shows them. */
    private static byte[] sideBySide(byte[] left, byte[] right, int res) {
        byte[] out = new byte[2 * res * res * 3];
        for (int y = 0; y < res; y++) {
            System.arraycopy(left, y * res * 3, out, y * 2 * res * 3, res * 3);
            System.arraycopy(right, y * res * 3, out, (y * 2 + 1) * res * 3, res * 3);
        }
        return out;
    }

    private static byte[] rgb(byte[] hwc, int channels, int res) {
        return TargetImage.convertChannels(hwc, channels, 3);
    }

    private static int scale(int res) {
        return PixelScale.auto(2 * res, res);
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // A leftover temp file under the cache's tmp dir is harmless.
            }
        }
    }
}
