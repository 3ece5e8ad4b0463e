package ai.stylefarm.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka (KRaft, combined broker and controller) in a child JVM, bound to 127.0.0.1.
 *
 * <p>Everything lives under one directory: {@code data/} (the log dirs), {@code server.properties},
 * {@code server.log} (the child's stdout and stderr) and {@code kafka.pid}. Ports are fixed at
 * construction, so clients keep working across {@link #stop()}/{@link #start()}, and the data survives.
 */
public final class KafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaBroker.class);
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);
    private static final List<String> JVM_OPTIONS = List.of(
            "-Xms64m", "-Xmx512m",
            // One developer box runs the broker, PostgreSQL, three services and the tests. C1 alone starts
            // the broker on about a third less CPU (2 s instead of 3 s) and a dev broker is never CPU-bound.
            "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-XX:+ExitOnOutOfMemoryError", "-Djava.awt.headless=true");

    private final Path dir;
    private final int port;
    private final int controllerPort;
    private final Map<String, String> overrides;
    private final String clusterId;
    private volatile Process process;
    private final ShutdownHook shutdownHook = new ShutdownHook("kafka-broker-shutdown", () -> {
        Process p = process;
        if (p != null) {
            ChildJvm.stop(p, STOP_GRACE);
        }
    });

    /** A broker under {@code dir} on the given ports; 0 picks a free port (once, kept for restarts). */
    public KafkaBroker(Path dir, int port, int controllerPort) {
        this(dir, port, controllerPort, Map.of());
    }

    /** As above; {@code overrides} are extra or replacement {@code server.properties} entries. */
    public KafkaBroker(Path dir, int port, int controllerPort, Map<String, String> overrides) {
        this(dir, port, controllerPort, overrides, null);
    }

    /** As above, formatted into {@code clusterId} (null: a fresh one), so that brokers can form one cluster. */
    public KafkaBroker(Path dir, int port, int controllerPort, Map<String, String> overrides, String clusterId) {
        this.dir = dir.toAbsolutePath();
        int[] free = FreePorts.pick(2);
        this.port = port > 0 ? port : free[0];
        this.controllerPort = controllerPort > 0 ? controllerPort : (free[1] != this.port ? free[1] : free[0]);
        this.overrides = Map.copyOf(overrides);
        this.clusterId = clusterId;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public int controllerPort() {
        return controllerPort;
    }

    public Path directory() {
        return dir;
    }

    public Path logFile() {
        return dir.resolve("server.log");
    }

    public boolean isRunning() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /** The broker's process id while it runs. */
    public OptionalLong pid() {
        Process p = process;
        return p != null && p.isAlive() ? OptionalLong.of(p.pid()) : OptionalLong.empty();
    }

    /** Formats the storage on first use, starts the broker and waits until it serves metadata. */
    public synchronized void start() {
        if (isRunning()) {
            return;
        }
        Instant began = Instant.now();
        try {
            Files.createDirectories(dir.resolve("data"));
            killLeftover();
            writeConfigFiles();
            if (!Files.exists(dir.resolve("data").resolve("meta.properties"))) {
                format();
            }
            appendLogMarker("starting broker");
            ProcessBuilder builder = ChildJvm.builder(dir.resolve("java.args"), jvmOptions(), "kafka.Kafka",
                    List.of(dir.resolve("server.properties").toString()));
            builder.redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()));
            process = builder.start();
            Files.writeString(dir.resolve("kafka.pid"), Long.toString(process.pid()));
            shutdownHook.install();
            awaitReady();
        } catch (IOException e) {
            stopQuietly();
            throw new UncheckedIOException("could not start Kafka in " + dir, e);
        } catch (RuntimeException e) {
            stopQuietly();
            throw e;
        }
        LOG.info("Kafka ready on {} in {} ms (log: {})", bootstrapServers(),
                Duration.between(began, Instant.now()).toMillis(), logFile());
    }

    /** Graceful shutdown (SIGTERM: controlled shutdown, logs flushed); SIGKILL after 30 s. */
    public synchronized void stop() {
        Process p = process;
        if (p == null) {
            return;
        }
        ChildJvm.stop(p, STOP_GRACE);
        process = null;
        shutdownHook.remove();
        deletePidFile();
    }

    /** SIGKILL, as a crash would; {@link #start()} then recovers the logs. */
    public synchronized void kill() {
        Process p = process;
        if (p == null) {
            return;
        }
        ChildJvm.kill(p);
        process = null;
        shutdownHook.remove();
        deletePidFile();
    }

    public synchronized void restart() {
        stop();
        start();
    }

    @Override
    public void close() {
        stop();
    }

    /** Creates topics (replication factor 1) that do not exist yet; existing ones are left as they are. */
    public void createTopics(Map<String, Integer> partitionsByTopic) {
        List<NewTopic> topics = partitionsByTopic.entrySet().stream()
                .map(e -> new NewTopic(e.getKey(), e.getValue(), (short) 1))
                .toList();
        try (Admin admin = Admin.create(adminConfig())) {
            TopicCreation.create(admin, topics);
        }
    }

    /** Minimal client settings for this broker, for an {@link Admin}, producer or consumer. */
    public Map<String, Object> clientConfig() {
        return Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    }

    private Map<String, Object> adminConfig() {
        Map<String, Object> config = new LinkedHashMap<>(clientConfig());
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 60_000);
        config.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 200);
        return config;
    }

    private List<String> jvmOptions() {
        List<String> options = new ArrayList<>(JVM_OPTIONS);
        options.add("-Dlogback.configurationFile=" + dir.resolve("logback.xml"));
        options.add("-Dkafka.logs.dir=" + dir);
        return options;
    }

    private void writeConfigFiles() throws IOException {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("process.roles", "broker,controller");
        config.put("node.id", "1");
        // Static voters rather than a formatted dynamic quorum: a static voter set does not record the
        // controller's address in the metadata log, so the data directory stays usable if the ports change
        // between runs (free ports are picked afresh by each ./farm up).
        config.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        config.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        config.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        config.put("controller.listener.names", "CONTROLLER");
        config.put("inter.broker.listener.name", "PLAINTEXT");
        config.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        config.put("log.dirs", dir.resolve("data").toString());
        config.put("num.partitions", "1");
        config.put("offsets.topic.replication.factor", "1");
        config.put("transaction.state.log.replication.factor", "1");
        config.put("transaction.state.log.min.isr", "1");
        config.put("share.coordinator.state.topic.replication.factor", "1");
        config.put("share.coordinator.state.topic.min.isr", "1");
        // The default 50 partitions make the first consumer group wait seconds for 50 leaders on one node.
        config.put("offsets.topic.num.partitions", "10");
        config.put("transaction.state.log.num.partitions", "10");
        // After a crash the restarted controller makes the new broker incarnation wait until the dead one's
        // session expires (default 9 s). Heartbeats are loopback calls, so a shorter session is safe enough.
        config.put("broker.session.timeout.ms", "4000");
        config.put("broker.heartbeat.interval.ms", "1000");
        // One broker, so there is nobody to wait for before the first rebalance.
        config.put("group.initial.rebalance.delay.ms", "0");
        config.putAll(overrides);
        String properties = config.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("\n", "# Written by " + KafkaBroker.class.getName()
                        + " at every start; edits are lost.\n", "\n"));
        Files.writeString(dir.resolve("server.properties"), properties, StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("logback.xml"), """
                <configuration>
                  <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>%d{ISO8601} %-5level [%thread] %logger{36} - %msg%n</pattern></encoder>
                  </appender>
                  <logger name="kafka" level="INFO"/>
                  <logger name="org.apache.kafka" level="INFO"/>
                  <logger name="kafka.request.logger" level="WARN"/>
                  <root level="WARN"><appender-ref ref="OUT"/></root>
                </configuration>
                """, StandardCharsets.UTF_8);
    }

    /** {@code kafka-storage format}, with a fresh cluster id, in a short-lived child JVM. */
    private void format() {
        appendLogMarker("formatting storage");
        ProcessBuilder builder = ChildJvm.builder(dir.resolve("java.args"), jvmOptions(), "kafka.tools.StorageTool",
                List.of("format", "--ignore-formatted",
                        "--cluster-id", clusterId != null ? clusterId : Uuid.randomUuid().toString(),
                        "--config", dir.resolve("server.properties").toString()));
        ChildJvm.run(builder, logFile().toFile(), Duration.ofSeconds(60));
    }

    /**
     * Waits until the listener accepts connections, then until the broker answers a metadata request
     * (it is registered and unfenced). Probing the port first keeps the admin client from logging a
     * connection warning every few milliseconds while the JVM is still starting.
     */
    private void awaitReady() {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (!portOpen()) {
            checkAlive();
            checkDeadline(deadline);
            sleep(100);
        }
        try (Admin admin = Admin.create(adminConfig())) {
            while (true) {
                checkAlive();
                try {
                    if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    LOG.debug("Kafka not ready yet", e);
                }
                checkDeadline(deadline);
                sleep(200);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Kafka", e);
        }
    }

    private boolean portOpen() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void checkAlive() {
        Process p = process;
        if (p == null || !p.isAlive()) {
            throw new IllegalStateException("Kafka exited during startup"
                    + (p == null ? "" : " with code " + p.exitValue()) + "; end of " + logFile() + ":\n" + logTail());
        }
    }

    private void checkDeadline(long deadline) {
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException("Kafka not ready on " + bootstrapServers() + " after " + STARTUP_TIMEOUT
                    + "; end of " + logFile() + ":\n" + logTail());
        }
    }

    /**
     * A broker left by a JVM that died before it could stop it (OrphanGuard ends such brokers within
     * seconds, but a quick restart can beat it) still holds the ports and the data directory's lock. A broker
     * whose parent still lives belongs to another stack, and is left alone.
     */
    private void killLeftover() throws IOException {
        Path pidFile = dir.resolve("kafka.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        Optional<ProcessHandle> leftover;
        try {
            leftover = ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim()));
        } catch (NumberFormatException e) {
            leftover = Optional.empty();
        }
        String marker = dir.resolve("server.properties").toString();
        Optional<ProcessHandle> broker = leftover.filter(ProcessHandle::isAlive)
                .filter(h -> h.info().commandLine().map(c -> c.contains(marker)).orElse(false));
        if (broker.isPresent()) {
            ProcessHandle h = broker.get();
            Optional<ProcessHandle> owner = guardedParent(h).filter(ProcessHandle::isAlive);
            if (owner.isPresent()) {
                throw new IllegalStateException("Kafka data directory " + dir + " is in use by broker pid " + h.pid()
                        + " of process " + owner.get().pid());
            }
            LOG.warn("Stopping leftover Kafka broker, pid {}", h.pid());
            h.destroy();
            try {
                h.onExit().get(STOP_GRACE.toSeconds(), TimeUnit.SECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
            }
        }
        Files.delete(pidFile);
    }

    /** The parent pid that {@link OrphanGuard} watches, read from the broker's command line. */
    private static Optional<ProcessHandle> guardedParent(ProcessHandle broker) {
        List<String> words = List.of(broker.info().commandLine().orElse("").split(" "));
        int guard = words.indexOf(OrphanGuard.class.getName());
        if (guard < 0 || guard + 1 >= words.size()) {
            return Optional.empty();
        }
        try {
            return ProcessHandle.of(Long.parseLong(words.get(guard + 1)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private void deletePidFile() {
        try {
            Files.deleteIfExists(dir.resolve("kafka.pid"));
        } catch (IOException e) {
            LOG.debug("Could not delete kafka.pid", e);
        }
    }

    private void stopQuietly() {
        try {
            stop();
        } catch (RuntimeException e) {
            LOG.warn("Could not stop Kafka after a failed start", e);
        }
    }

    private void appendLogMarker(String what) {
        try {
            Files.writeString(logFile(), "==== " + Instant.now() + " " + KafkaBroker.class.getSimpleName() + ": "
                    + what + " ====\n", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile(), StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Kafka", e);
        }
    }

    @Override
    public String toString() {
        return "KafkaBroker[" + bootstrapServers() + ", " + dir + "]";
    }

    /** Properties form of {@link #clientConfig()}, for APIs that take {@link Properties}. */
    public Properties clientProperties() {
        Properties properties = new Properties();
        properties.putAll(clientConfig());
        return properties;
    }
}
