package ai.stylefarm.worker;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.DoubleAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's Prometheus metrics, served at {@code /q/metrics} (with {@code /q/health}) as the Quarkus services
 * serve theirs: outputs by model and device, task durations by kind and outcome (histograms, for p50/p95/p99),
 * busy time (utilisation is its rate), GPU utilisation and memory where a GPU is used, and the JVM's own.
 */
final class WorkerMetrics implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerMetrics.class);
    /** Seconds: a 32 px task takes well under a second, a 1024 px video segment on CPU many minutes. */
    private static final double[] DURATION_BUCKETS = {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800,
            3600};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter images;
    private final Counter frames;
    private final Counter projectionSteps;
    private final Histogram taskSeconds;
    private final Counter busySeconds;
    private final DoubleAdder busy = new DoubleAdder();
    private final long startedNanos = System.nanoTime();
    private final String workerId;
    private final String device;
    private final GpuStats gpus;
    private final HostStats host;
    private final HttpServer server;

    /**
     * @param port as {@code worker.metrics.port}: a port, 0 for any free one, -1 for no server (metrics are
     *             still counted)
     * @param device  {@code cpu} or {@code cuda}, the label of every output
     * @param gpus    read for the GPU gauges; null on CPU workers
     */
    WorkerMetrics(String workerId, String device, int port, GpuStats gpus) {
        JvmMetrics.builder().register(registry);
        images = Counter.builder().name("stylefarm_images_total")
                .help("Images rendered and stored (generate and style_mix), by model and device")
                .labelNames("model", "device", "kind").register(registry);
        frames = Counter.builder().name("stylefarm_frames_total")
                .help("Video frames rendered and encoded (interpolate), by model and device")
                .labelNames("model", "device").register(registry);
        projectionSteps = Counter.builder().name("stylefarm_projection_steps_total")
                .help("Projection optimisation steps run (project and calibrate targets), by model and device")
                .labelNames("model", "device").register(registry);
        taskSeconds = Histogram.builder().name("stylefarm_task_duration_seconds")
                .help("Wall time of a task from message to terminal event, by task kind and outcome")
                .labelNames("kind", "outcome").classicOnly().classicUpperBounds(DURATION_BUCKETS).register(registry);
        busySeconds = Counter.builder().name("stylefarm_worker_busy_seconds_total")
                .help("Time tasks held the render lanes; its rate is the worker's utilisation").labelNames("worker")
                .register(registry);
        GaugeWithCallback.builder().name("stylefarm_worker_utilization_ratio")
                .help("Busy time over wall time since the worker started").labelNames("worker")
                .callback(cb -> cb.call(Math.min(1, busy.sum() / Math.max(1e-9, (System.nanoTime() - startedNanos)
                        / 1e9)), workerId))
                .register(registry);
        if (gpus != null) {
            GaugeWithCallback.builder().name("stylefarm_gpu_utilization_ratio").help("GPU busy fraction (nvidia-smi)")
                    .labelNames("gpu", "name").callback(cb -> gpus.read().forEach(g -> cb.call(g.utilization(),
                            Integer.toString(g.index()), g.name()))).register(registry);
            GaugeWithCallback.builder().name("stylefarm_gpu_memory_used_bytes").help("GPU memory in use (nvidia-smi)")
                    .labelNames("gpu", "name").callback(cb -> gpus.read().forEach(g -> cb.call(g.memoryUsedBytes(),
                            Integer.toString(g.index()), g.name()))).register(registry);
            GaugeWithCallback.builder().name("stylefarm_gpu_memory_total_bytes").help("GPU memory (nvidia-smi)")
                    .labelNames("gpu", "name").callback(cb -> gpus.read().forEach(g -> cb.call(g.memoryTotalBytes(),
                            Integer.toString(g.index()), g.name()))).register(registry);
        }
        busySeconds.labelValues(workerId).inc(0);
        this.workerId = workerId;
        this.device = device;
        this.gpus = gpus;
        this.host = new HostStats(gpus);
        this.server = port < 0 ? null : serve(port);
    }

    /**
     * One task's end: its outputs by kind, its duration, and the busy time it adds.
     *
     * @param renderSeconds how long it held the render lanes: tasks overlap while one stores its last outputs,
     *                      so busy time counts only this part
     */
    void taskEnded(String kind, String outcome, double seconds, double renderSeconds, String model, long outputs) {
        taskSeconds.labelValues(kind, outcome).observe(seconds);
        busySeconds.labelValues(workerId).inc(renderSeconds);
        busy.add(renderSeconds);
        if (outputs > 0 && !kind.equals("project")) {
            if (kind.equals("interpolate")) {
                frames.labelValues(model, device).inc(outputs);
            } else {
                images.labelValues(model, device, kind).inc(outputs);
            }
        }
    }

    void projectionSteps(String model, long steps) {
        projectionSteps.labelValues(model, device).inc(steps);
    }

    /** This process's CPU, memory, GPU use, uptime and build, for heartbeats. */
    HostStats host() {
        return host;
    }

    /** The first GPU's name (e.g. "NVIDIA H100 80GB HBM3") where nvidia-smi sees one. */
    java.util.Optional<String> gpuName() {
        return gpus == null ? java.util.Optional.empty() : gpus.read().stream().map(GpuStats.Gpu::name).findFirst();
    }

    /** The port the server listens on, or -1 without one. */
    int port() {
        return server == null ? -1 : server.getAddress().getPort();
    }

    String scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            PrometheusTextFormatWriter.create().write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private HttpServer serve(int port) {
        try {
            HttpServer http = HttpServer.create(new InetSocketAddress(port), 16);
            http.createContext("/q/metrics", exchange -> respond(exchange, PrometheusTextFormatWriter.CONTENT_TYPE,
                    scrape()));
            http.createContext("/q/health", exchange -> respond(exchange, "application/json",
                    "{\"status\":\"UP\",\"worker\":\"" + workerId.replace("\"", "") + "\"}"));
            http.start();
            LOG.info("Metrics at http://0.0.0.0:{}/q/metrics", http.getAddress().getPort());
            return http;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve metrics on port " + port + " (worker.metrics.port)", e);
        }
    }

    private static void respond(HttpExchange exchange, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
        }
    }
}
