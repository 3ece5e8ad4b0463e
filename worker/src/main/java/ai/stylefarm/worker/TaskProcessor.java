package ai.stylefarm.worker;

import ai.stylefarm.domain.storage.Bucket;
import ai.stylefarm.modelkit.bundle.ModelManifest;
import ai.stylefarm.modelkit.inference.GeneratorSession;
import ai.stylefarm.modelkit.inference.NoiseMode;
import ai.stylefarm.modelkit.inference.RenderLanes;
import ai.stylefarm.modelkit.inference.RenderOptions;
import ai.stylefarm.modelkit.inference.Renderer;
import ai.stylefarm.modelkit.io.Pixels;
import ai.stylefarm.schemas.GenerateTaskSpec;
import ai.stylefarm.schemas.ImageFormat;
import ai.stylefarm.schemas.InterpolateTaskSpec;
import ai.stylefarm.schemas.Layout;
import ai.stylefarm.schemas.LocalPaths;
import ai.stylefarm.schemas.ProjectTaskSpec;
import ai.stylefarm.schemas.StyleMixTaskSpec;
import ai.stylefarm.schemas.TaskEvent;
import ai.stylefarm.schemas.TaskKind;
import ai.stylefarm.schemas.TaskMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one task from start to its terminal event: model, STARTED, batches rendered and stored, SUCCEEDED or
 * FAILED. It never commits anything; it tells the consumer loop whether it may. Generate and interpolate tasks
 * give up the render lanes as soon as their last batch is rendered, so the next task renders while they store
 * their last outputs; the other kinds hold them to the end.
 */
public final class TaskProcessor implements TaskRunner, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TaskProcessor.class);
    static final String SHUTTING_DOWN = "worker shutting down";
    static final String CANCELLED = "job cancelled";

    private final ModelCache models;
    private final Bucket store;
    private final EventPublisher events;
    private final WorkerConfig config;
    private final Clock clock;
    private final CancelWatch cancels;
    private final Uploads uploads;
    private final WorkerMetrics metrics;
    private final ProjectOutputs projections;

    private final RenderLanes lanes;
    private final Map<TaskKind, KindRunner> runners;

    /** How one task kind is done. */
    @FunctionalInterface
    private interface KindRunner {
        Verdict run(TaskMessage task, Heartbeat heartbeat, BooleanSupplier stopping, RenderTurn turn);
    }

    /** @param lanes batches rendered side by side (see {@link RenderLanes}) */
    public TaskProcessor(ModelCache models, Bucket store, EventPublisher events, WorkerConfig config, int lanes,
                         Clock clock, WorkerMetrics metrics) {
        this.models = models;
        this.store = store;
        this.events = events;
        this.config = config;
        this.clock = clock;
        this.cancels = new CancelWatch(store, clock);
        this.uploads = new Uploads(config.uploadThreads());
        this.lanes = new RenderLanes(lanes);
        this.metrics = metrics;
        this.projections = new ProjectOutputs(models, store, config.cacheDir().resolve("tmp"));
        this.runners = runners();
    }

    /** The one place that maps each task kind to its work; every kind must have an entry. */
    private Map<TaskKind, KindRunner> runners() {
        Map<TaskKind, KindRunner> byKind = new EnumMap<>(TaskKind.class);
        byKind.put(TaskKind.GENERATE, (task, heartbeat, stopping, turn) -> {
            GenerateTaskSpec spec = (GenerateTaskSpec) task.spec();
            return render(task, spec, spec.seeds().stream().toArray(), heartbeat, stopping, turn);
        });
        byKind.put(TaskKind.STYLE_MIX, (task, heartbeat, stopping, turn) ->
                mixStyles(task, (StyleMixTaskSpec) task.spec(), heartbeat, stopping));
        byKind.put(TaskKind.INTERPOLATE, (task, heartbeat, stopping, turn) ->
                interpolate(task, (InterpolateTaskSpec) task.spec(), heartbeat, stopping, turn));
        byKind.put(TaskKind.PROJECT, (task, heartbeat, stopping, turn) ->
                project(task, (ProjectTaskSpec) task.spec(), heartbeat, stopping));
        if (byKind.size() != TaskKind.values().length) {
            throw new IllegalStateException("a task kind has no runner: " + byKind.keySet());
        }
        return byKind;
    }

    @Override
    public Outcome process(TaskMessage task, BooleanSupplier stopping, Runnable rendered) {
        RenderTurn turn = new RenderTurn(rendered);
        if (cancels.isCancelled(task.jobId())) {
            LOG.info("Task {} skipped: its job {} was cancelled", task.taskId(), task.jobId());
            return send(task, Verdict.failed(CANCELLED, false));
        }
        int total = task.spec().itemCount();
        LOG.info("Task {} (job {}, attempt {}): {} {} items of model {}", task.taskId(), task.jobId(), task.attempt(),
                total, task.spec().kind().value(), task.displayModel());
        long started = System.nanoTime();
        Verdict verdict;
        // The heartbeat stops before the terminal event goes out, so no HEARTBEAT ever follows a SUCCEEDED.
        try (Heartbeat heartbeat = new Heartbeat(events, task, config.workerId(), total,
                config.heartbeatInterval(), clock, metrics.host())) {
            verdict = runners.get(task.spec().kind()).run(task, heartbeat, stopping, turn);
        } catch (EventPublisher.DeliveryException e) {
            throw e;
        } catch (RuntimeException e) {
            // Storage, ONNX Runtime or anything unforeseen: report it, keep the worker alive for the next task.
            LOG.warn("Task {} failed", task.taskId(), e);
            verdict = Verdict.failed(LocalPaths.hide(describe(e)), true);
        }
        metrics.taskEnded(task.spec().kind().value(), verdict.outcome(), (System.nanoTime() - started) / 1e9,
                turn.heldSeconds(), task.displayModel(), verdict.outputs() == null ? 0 : total);
        return send(task, verdict);
    }

    /** The model's session, after STARTED is sent; null when the model cannot be loaded (a retryable failure). */
    private GeneratorSession start(TaskMessage task, Heartbeat heartbeat) {
        GeneratorSession session = models.session(task.modelId(), task.displayModel(), task.modelSha256());
        TaskEvent.Device device = device(session);
        heartbeat.device(device);
        events.sendAndWait(TaskEvent.started(task, config.workerId(), device, metrics.host().read(), clock.instant()));
        return session;
    }

    /** Renders a task's outputs with the model's session; null when {@code stop} ended it early. */
    private interface OutputRenderer {
        List<TaskEvent.Output> render(GeneratorSession session, BooleanSupplier stop);
    }

    /**
     * STARTED, then {@code renderer}: an {@link IllegalArgumentException} is a spec the model cannot take (final),
     * stopping early is an abandoned task on shutdown and a cancelled one otherwise.
     */
    private Verdict renderOutputs(TaskMessage task, Heartbeat heartbeat, BooleanSupplier stopping,
                                  OutputRenderer renderer) {
        GeneratorSession session;
        try {
            session = start(task, heartbeat);
        } catch (ModelCache.ModelUnavailableException e) {
            return Verdict.failed(LocalPaths.hide(e.getMessage()), true);
        }
        List<TaskEvent.Output> outputs;
        try {
            outputs = renderer.render(session, () -> stopping.getAsBoolean() || cancels.isCancelled(task.jobId()));
        } catch (IllegalArgumentException e) {
            return Verdict.failed(LocalPaths.hide(e.getMessage()), false);
        }
        if (outputs != null) {
            return Verdict.succeeded(outputs);
        }
        return stopping.getAsBoolean() ? Verdict.abandoned(SHUTTING_DOWN) : Verdict.failed(CANCELLED, false);
    }

    private Verdict mixStyles(TaskMessage task, StyleMixTaskSpec spec, Heartbeat heartbeat, BooleanSupplier stopping) {
        return renderOutputs(task, heartbeat, stopping, (session, stop) -> {
            int numWs = session.manifest().numWs();
            if (spec.styles().stream().anyMatch(l -> l >= numWs)) {
                throw new IllegalArgumentException("styles " + spec.styles() + " reach past the model's " + numWs
                        + " layers (0 to " + (numWs - 1) + ")");
            }
            return StyleMixOutputs.render(session, spec, task.jobId(), store, uploads.batch(), lanes,
                    config.batchSize(), heartbeat::progressed, stop);
        });
    }

    private Verdict interpolate(TaskMessage task, InterpolateTaskSpec spec, Heartbeat heartbeat,
                                BooleanSupplier stopping, RenderTurn turn) {
        return renderOutputs(task, heartbeat, stopping, (session, stop) -> InterpolateOutputs.render(session, spec,
                task.jobId(), store, uploads.batch(), lanes, config.cacheDir().resolve("tmp"), config.batchSize(),
                heartbeat::progressed, stop, turn));
    }

    private Verdict project(TaskMessage task, ProjectTaskSpec spec, Heartbeat heartbeat, BooleanSupplier stopping) {
        return renderOutputs(task, heartbeat, stopping, (session, stop) -> {
            List<TaskEvent.Output> outputs = projections.run(task, spec, stop,
                    steps -> metrics.projectionSteps(task.displayModel(), steps), clock.instant().plus(config.maxTaskTime()),
                    clock);
            if (outputs != null) {
                heartbeat.progressed(1);
            }
            return outputs;
        });
    }

    private Verdict render(TaskMessage task, GenerateTaskSpec spec, long[] seeds, Heartbeat heartbeat,
                           BooleanSupplier stopping, RenderTurn turn) {
        Instant deadline = clock.instant().plus(config.maxTaskTime());
        GeneratorSession session;
        try {
            session = start(task, heartbeat);
        } catch (ModelCache.ModelUnavailableException e) {
            return Verdict.failed(LocalPaths.hide(e.getMessage()), true);
        }
        Renderer renderer = new Renderer(session);
        RenderOptions options;
        try {
            options = new RenderOptions((float) spec.truncationPsi(), spec.truncationCutoff(), spec.classIdx(),
                    NoiseMode.parse(spec.noiseMode().value()), config.batchSize());
            renderer.validate(options);
            if (spec.format() == ImageFormat.JPEG && session.manifest().imgChannels() != 1
                    && session.manifest().imgChannels() != 3) {
                throw new IllegalArgumentException("format jpeg needs 1 or 3 image channels; model " + task.displayModel()
                        + " has " + session.manifest().imgChannels() + ": use png");
            }
        } catch (IllegalArgumentException e) {
            return Verdict.failed(LocalPaths.hide(e.getMessage()), false);
        }
        ModelManifest m = session.manifest();
        TaskOutputs outputs = spec.layout() == Layout.WEBDATASET
                ? new ShardOutputs(store, spec, m, task.jobId(), config.cacheDir().resolve("tmp"))
                : new FileOutputs(store, uploads.batch(), spec, m, task.jobId());
        AtomicReference<Verdict> stoppedBy = new AtomicReference<>();
        try {
            boolean complete;
            try {
                complete = renderer.render(seeds, options, lanes, batch -> {
                    stoppedBy.set(stop(task, stopping, deadline, outputs.done(), seeds.length));
                    if (stoppedBy.get() != null) {
                        return false;
                    }
                    for (Renderer.Rendered image : batch) {
                        outputs.add(image, Pixels.toUint8Hwc(image.img(), 0, m.imgChannels(), m.resolution(),
                                m.resolution()));
                    }
                    heartbeat.progressed(outputs.done());
                    return true;
                });
            } finally {
                // The lanes have drained: the next task may render while these outputs are stored.
                turn.run();
            }
            if (!complete) {
                outputs.abort();
                return stoppedBy.get();
            }
            return Verdict.succeeded(outputs.finish());
        } catch (RuntimeException e) {
            outputs.abort();
            throw e;
        }
    }

    /** How a task ends before its next batch (shutdown, cancelled, over time), or null to go on. */
    private Verdict stop(TaskMessage task, BooleanSupplier stopping, Instant deadline, int done, int total) {
        if (stopping.getAsBoolean()) {
            return Verdict.abandoned(SHUTTING_DOWN);
        }
        if (cancels.isCancelled(task.jobId())) {
            return Verdict.failed(CANCELLED, false);
        }
        if (clock.instant().isAfter(deadline)) {
            return Verdict.failed("task ran longer than the worker's limit of " + config.maxTaskTime().toSeconds()
                    + " s, after " + done + " of " + total + " images", true);
        }
        return null;
    }

    /** Stops the upload pool and the render lanes; call after the last task. */
    @Override
    public void close() {
        uploads.close();
        lanes.close();
    }

    private Outcome send(TaskMessage task, Verdict verdict) {
        Instant now = clock.instant();
        if (verdict.outputs() != null) {
            events.sendAndWait(TaskEvent.succeeded(task, config.workerId(), verdict.outputs(), now));
            LOG.info("Task {} succeeded: {} outputs", task.taskId(), verdict.outputs().size());
            return Outcome.COMMIT;
        }
        LOG.warn("Task {} failed ({}): {}", task.taskId(), verdict.retryable() ? "retryable" : "final",
                verdict.reason());
        events.sendAndWait(TaskEvent.failed(task, config.workerId(),
                new TaskEvent.Failure(verdict.reason(), verdict.retryable()), now));
        return verdict.redeliver() ? Outcome.REDELIVER : Outcome.COMMIT;
    }

    /** How a task ended, before anyone is told: outputs on success, else a reason. */
    private record Verdict(List<TaskEvent.Output> outputs, String reason, boolean retryable, boolean redeliver) {
        static Verdict succeeded(List<TaskEvent.Output> outputs) {
            return new Verdict(outputs, null, false, false);
        }

        static Verdict failed(String reason, boolean retryable) {
            return new Verdict(null, reason, retryable, false);
        }

        static Verdict abandoned(String reason) {
            return new Verdict(null, reason, true, true);
        }

        /** The metrics label: succeeded, failed, or abandoned (released on shutdown). */
        String outcome() {
            return outputs != null ? "succeeded" : redeliver ? "abandoned" : "failed";
        }
    }


    /**
     * A task's hold on the render lanes, given up once: by the task when its last batch is rendered, or at its
     * end. How long it was held is the task's share of the worker's busy time.
     */
    private static final class RenderTurn implements Runnable {
        private final Runnable release;
        private final long startedNanos = System.nanoTime();
        private long heldNanos = -1;

        RenderTurn(Runnable release) {
            this.release = release;
        }

        @Override
        public void run() {
            if (heldNanos < 0) {
                heldNanos = System.nanoTime() - startedNanos;
                release.run();
            }
        }

        /** Gives up the lanes if the task has not yet, and says for how long it held them. */
        double heldSeconds() {
            run();
            return heldNanos / 1e9;
        }
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getName() : message;
    }

    /** The device as the scheduler's worker table shows it: the GPU's name from nvidia-smi, else its index. */
    private TaskEvent.Device device(GeneratorSession session) {
        if ("cuda".equals(session.device())) {
            return new TaskEvent.Device(TaskEvent.DeviceKind.CUDA, metrics.gpuName().orElse("cuda:0"));
        }
        return new TaskEvent.Device(TaskEvent.DeviceKind.CPU, cpuName());
    }

    private static String cpuName() {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (Files.isReadable(cpuinfo)) {
            try (Stream<String> lines = Files.lines(cpuinfo)) {
                String name = lines.filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).strip())
                        .filter(s -> !s.isEmpty()).findFirst().orElse(null);
                if (name != null) {
                    return name.length() <= 200 ? name : name.substring(0, 200);
                }
            } catch (IOException | RuntimeException e) {
                // Fall through to the architecture; a name is cosmetic.
            }
        }
        return System.getProperty("os.arch", "cpu");
    }
}
