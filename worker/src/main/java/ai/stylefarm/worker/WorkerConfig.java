package ai.stylefarm.worker;

import ai.stylefarm.modelkit.inference.ExecutionDevice;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Everything a worker needs to know, read once at start. Each setting is a system property
 * {@code stylefarm.<name>} or an environment variable {@code STYLEFARM_<NAME>} (dots to underscores, upper
 * case), the property winning, as in the infra module's {@code StackConfig}:
 *
 * <table>
 * <tr><th>name</th><th>default</th><th></th></tr>
 * <tr><td>{@code kafka.bootstrap}</td><td>{@code 127.0.0.1:9092}</td><td>Kafka bootstrap servers</td></tr>
 * <tr><td>{@code s3.endpoint}</td><td>{@code http://127.0.0.1:9000}</td><td>S3 / MinIO endpoint</td></tr>
 * <tr><td>{@code s3.access.key}</td><td>{@code stylefarm}</td><td></td></tr>
 * <tr><td>{@code s3.secret.key}</td><td>{@code stylefarm-secret}</td><td></td></tr>
 * <tr><td>{@code s3.bucket}</td><td>{@code stylefarm}</td><td></td></tr>
 * <tr><td>{@code worker.id}</td><td>{@code <host>-<pid>}</td><td>in every event and DLQ record</td></tr>
 * <tr><td>{@code worker.cache.dir}</td><td>{@code .stylefarm/worker-cache}</td><td>model bundles by checksum</td></tr>
 * <tr><td>{@code worker.batch.size}</td><td>{@code 8}</td><td>images per ONNX Runtime call</td></tr>
 * <tr><td>{@code worker.device}</td><td>{@code auto}</td><td>{@code auto}, {@code cpu} or {@code cuda}</td></tr>
 * <tr><td>{@code worker.heartbeat.seconds}</td><td>{@code 10}</td><td>HEARTBEAT/PROGRESS period</td></tr>
 * <tr><td>{@code worker.max.task.seconds}</td><td>{@code 3600}</td><td>a task running longer fails, retryable</td></tr>
 * <tr><td>{@code worker.sessions}</td><td>{@code 2}</td><td>models kept open in memory</td></tr>
 * <tr><td>{@code worker.upload.threads}</td><td>{@code 8}</td><td>images encoded and stored in parallel</td></tr>
 * <tr><td>{@code worker.metrics.port}</td><td>{@code 9400}</td><td>Prometheus {@code /q/metrics} and
 *     {@code /q/health} on this port; 0 picks a free one, -1 turns them off</td></tr>
 * <tr><td>{@code worker.threads}</td><td>{@code 0}</td><td>CPU threads that render; 0 = one per core. On a CPU
 *     that many batches render side by side, one ONNX Runtime thread each; a projection uses them all for its
 *     one image. Several workers on one host should share the cores (e.g. 1 each for 2 workers on 2 cores)</td></tr>
 * </table>
 */
public record WorkerConfig(
        String kafkaBootstrap,
        String s3Endpoint,
        String s3AccessKey,
        String s3SecretKey,
        String s3Bucket,
        String workerId,
        Path cacheDir,
        int batchSize,
        ExecutionDevice device,
        Duration heartbeatInterval,
        Duration maxTaskTime,
        int openSessions,
        int uploadThreads,
        int threads,
        int metricsPort) {

    public WorkerConfig {
        Objects.requireNonNull(kafkaBootstrap, "kafkaBootstrap");
        Objects.requireNonNull(s3Endpoint, "s3Endpoint");
        Objects.requireNonNull(s3AccessKey, "s3AccessKey");
        Objects.requireNonNull(s3SecretKey, "s3SecretKey");
        Objects.requireNonNull(s3Bucket, "s3Bucket");
        Objects.requireNonNull(workerId, "workerId");
        Objects.requireNonNull(cacheDir, "cacheDir");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
        Objects.requireNonNull(maxTaskTime, "maxTaskTime");
        if (workerId.isBlank() || workerId.length() > 200) {
            // The task-event schema caps worker_id at 200 characters; fail at start, not on the first event.
            throw new IllegalArgumentException("worker.id must be 1 to 200 characters");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("worker.batch.size must be at least 1, was " + batchSize);
        }
        if (heartbeatInterval.isNegative() || heartbeatInterval.isZero()) {
            throw new IllegalArgumentException("worker.heartbeat.seconds must be positive");
        }
        if (maxTaskTime.isNegative() || maxTaskTime.isZero()) {
            throw new IllegalArgumentException("worker.max.task.seconds must be positive");
        }
        if (openSessions < 1) {
            throw new IllegalArgumentException("worker.sessions must be at least 1, was " + openSessions);
        }
        if (threads < 0) {
            throw new IllegalArgumentException("worker.threads must be 0 (one per core) or more, was " + threads);
        }
        if (metricsPort < -1 || metricsPort > 65535) {
            throw new IllegalArgumentException("worker.metrics.port must be a port, 0 (any free one) or -1 (off), was "
                    + metricsPort);
        }
        if (uploadThreads < 1) {
            throw new IllegalArgumentException("worker.upload.threads must be at least 1, was " + uploadThreads);
        }
    }

    /** From system properties and environment variables; see the class comment for names and defaults. */
    public static WorkerConfig fromEnvironment() {
        return from(WorkerConfig::systemSetting);
    }

    /** From any lookup of {@code <name>} to a value or null, for tests and embedding. */
    public static WorkerConfig from(UnaryOperator<String> lookup) {
        Settings s = new Settings(lookup);
        return new WorkerConfig(
                s.get("kafka.bootstrap", "127.0.0.1:9092"),
                s.get("s3.endpoint", "http://127.0.0.1:9000"),
                s.get("s3.access.key", "stylefarm"),
                s.get("s3.secret.key", "stylefarm-secret"),
                s.get("s3.bucket", "stylefarm"),
                s.get("worker.id", defaultWorkerId()),
                Path.of(s.get("worker.cache.dir", ".stylefarm/worker-cache")),
                s.integer("worker.batch.size", 8),
                ExecutionDevice.parse(s.get("worker.device", "auto")),
                Duration.ofSeconds(s.integer("worker.heartbeat.seconds", 10)),
                Duration.ofSeconds(s.integer("worker.max.task.seconds", 3600)),
                s.integer("worker.sessions", 2),
                s.integer("worker.upload.threads", 8),
                s.integer("worker.threads", 0),
                s.integer("worker.metrics.port", 9400));
    }

    public WorkerConfig withHeartbeatInterval(Duration interval) {
        return new WorkerConfig(kafkaBootstrap, s3Endpoint, s3AccessKey, s3SecretKey, s3Bucket, workerId, cacheDir,
                batchSize, device, interval, maxTaskTime, openSessions, uploadThreads, threads, metricsPort);
    }

    /** {@code worker.threads} with 0 resolved to this machine's cores. */
    public int resolvedThreads() {
        return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    }

    /** {@code <host>-<pid>}: unique per process on a host, and still readable on a dashboard. */
    static String defaultWorkerId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = System.getenv().getOrDefault("HOSTNAME", "worker");
        }
        String pid = Long.toString(ProcessHandle.current().pid());
        String id = host + "-" + pid;
        return id.length() <= 200 ? id : id.substring(id.length() - 200);
    }

    private static String systemSetting(String name) {
        String property = System.getProperty("stylefarm." + name);
        if (property != null && !property.isBlank()) {
            return property;
        }
        String env = System.getenv("STYLEFARM_" + name.replace('.', '_').toUpperCase(Locale.ROOT));
        return env != null && !env.isBlank() ? env : null;
    }

    private record Settings(UnaryOperator<String> lookup) {
        String get(String name, String fallback) {
            String value = lookup.apply(name);
            return value != null && !value.isBlank() ? value.strip() : fallback;
        }

        int integer(String name, int fallback) {
            String value = get(name, null);
            if (value == null) {
                return fallback;
            }
            try {
                return Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " must be a whole number, was '" + value + "'");
            }
        }
    }
}
