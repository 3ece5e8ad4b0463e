package ai.stylefarm.cli.local;

import ai.stylefarm.infra.ChildJvm;
import ai.stylefarm.infra.EmbeddedStack;
import ai.stylefarm.infra.FreePorts;
import ai.stylefarm.infra.OrphanGuard;
import ai.stylefarm.infra.StackEndpoints;
import ai.stylefarm.schemas.Topics;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole farm on 127.0.0.1: the embedded stack (Kafka, PostgreSQL, S3) in this JVM, and the gateway, the
 * scheduler and the workers each in a JVM of its own. What {@code ./farm up} runs and what the end-to-end tests
 * use. Each service can be stopped, killed and started again, for fault tests.
 */
public final class LocalFarm implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalFarm.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    /** Partitions bound how many consumers share a topic: workers for tasks, schedulers for the others. */
    static final Map<String, Integer> TOPICS = Map.of(Topics.JOBS, 4, Topics.TASKS, 12, Topics.TASK_EVENTS, 4,
            Topics.DLQ, 1);

    private final LocalFarmConfig config;
    private final EmbeddedStack stack;
    private final String adminKey;
    private final int gatewayPort;
    private final int schedulerPort;
    private final ServiceProcess gateway;
    private final ServiceProcess scheduler;
    private final List<ServiceProcess> workers = new ArrayList<>();
    private final List<ServiceProcess> seconds = new ArrayList<>();
    private int workerCount;

    private LocalFarm(LocalFarmConfig config, EmbeddedStack stack, String adminKey) {
        this.config = config;
        this.stack = stack;
        this.adminKey = adminKey;
        int[] free = FreePorts.pick(2);
        this.gatewayPort = config.gatewayPort() > 0 ? config.gatewayPort() : free[0];
        this.schedulerPort = config.schedulerPort() > 0 ? config.schedulerPort() : free[1];
        Path logs = config.dataDir().toAbsolutePath().resolve("logs");
        this.gateway = quarkusService("gateway", gatewayPort, logs);
        this.gateway.builder().environment().put("STYLEFARM_BOOTSTRAP_ADMIN_KEY", adminKey);
        this.scheduler = quarkusService("scheduler", schedulerPort, logs);
        this.workerCount = config.workers();
        for (int i = 0; i < config.workers(); i++) {
            workers.add(workerService(i, logs));
        }
    }

    /** Starts everything and returns once the gateway and scheduler are healthy and every worker has joined. */
    public static LocalFarm start(LocalFarmConfig config, String adminKey) {
        Instant began = Instant.now();
        checkBuilt(config.home());
        EmbeddedStack stack = EmbeddedStack.start(config.stack());
        LocalFarm farm = null;
        try {
            stack.createTopics(TOPICS);
            farm = new LocalFarm(config, stack, adminKey);
            farm.startServices();
            LOG.info("Farm ready in {} ms: gateway {}", Duration.between(began, Instant.now()).toMillis(), farm.gatewayUrl());
            return farm;
        } catch (RuntimeException e) {
            if (farm != null) {
                farm.close();
            } else {
                stack.close();
            }
            throw e;
        }
    }

    private void startServices() {
        // The gateway migrates the schema, so it goes first; the scheduler and workers start side by side.
        gateway.start();
        gateway.awaitHealthy(START_TIMEOUT);
        scheduler.start();
        workers.forEach(ServiceProcess::start);
        scheduler.awaitHealthy(START_TIMEOUT);
        awaitWorkersJoined(workers.size());
    }

    public String gatewayUrl() {
        return "http://127.0.0.1:" + gatewayPort;
    }

    public String schedulerUrl() {
        return "http://127.0.0.1:" + schedulerPort;
    }

    public String adminKey() {
        return adminKey;
    }

    public EmbeddedStack stack() {
        return stack;
    }

    public StackEndpoints endpoints() {
        return stack.endpoints();
    }

    public ServiceProcess gateway() {
        return gateway;
    }

    public ServiceProcess scheduler() {
        return scheduler;
    }

    public List<ServiceProcess> workers() {
        return List.copyOf(workers);
    }

    /** Worker {@code index}'s Prometheus endpoint. */
    public String workerMetricsUrl(int index) {
        return workers.get(index).healthUrl().replace("/q/health", "/q/metrics");
    }

    /** The parts of a local farm that {@link #restart} brings back. */
    public enum Component {
        GATEWAY, SCHEDULER, WORKER, KAFKA, POSTGRES, S3;

        public static Component parse(String name) {
            for (Component c : values()) {
                if (c.name().equalsIgnoreCase(name == null ? "" : name.strip())) {
                    return c;
                }
            }
            throw new IllegalArgumentException("unknown component '" + name + "'; one of gateway, scheduler, worker N,"
                    + " kafka, postgres, s3");
        }

        public String describe(int index) {
            return this == WORKER ? "worker " + index : name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * Stops one part (gracefully if it still runs; at once if a crash or kill -9 already took it) and starts it
     * again, returning once it is healthy: a service answers its health check, a worker is back in the workers'
     * group, Kafka serves metadata, PostgreSQL and S3 accept connections.
     */
    public synchronized void restart(Component component, int index) {
        switch (component) {
            case GATEWAY -> restartService(gateway);
            case SCHEDULER -> restartService(scheduler);
            case WORKER -> {
                if (index < 0 || index >= workers.size()) {
                    throw new IllegalArgumentException("there is no worker " + index + "; this farm has workers 0 to "
                            + (workers.size() - 1));
                }
                ServiceProcess worker = workers.get(index);
                worker.stop();
                worker.start();
                awaitWorkersJoined(workers.size());
            }
            case KAFKA -> stack.kafka().restart();
            case POSTGRES -> stack.postgres().restart();
            case S3 -> stack.s3().restart();
        }
    }

    private static void restartService(ServiceProcess service) {
        service.stop();
        service.start();
        service.awaitHealthy(START_TIMEOUT);
    }

    /** Replaces the workers with {@code count} new ones that share the host's cores, and waits until they join. */
    public void scaleWorkers(int count) {
        workers.forEach(ServiceProcess::stop);
        workers.clear();
        workerCount = count;
        for (int i = 0; i < count; i++) {
            ServiceProcess worker = workerService(i, config.dataDir().toAbsolutePath().resolve("logs"));
            workers.add(worker);
            worker.start();
        }
        awaitWorkersJoined(count);
    }

    /**
     * Brings the running farm to {@code count} workers without touching the others: new ones start and join, or
     * the newest stop gracefully (a task they were running is released and runs elsewhere). Workers already running
     * keep their threads; new ones get the host's cores shared among {@code count}.
     *
     * @return how many workers there were
     */
    public synchronized int resizeWorkers(int count) {
        int partitions = TOPICS.get(Topics.TASKS);
        if (count < 0 || count > partitions) {
            throw new IllegalArgumentException("a local farm runs 0 to " + partitions + " workers (the task topic's"
                    + " partitions); asked for " + count);
        }
        int before = workers.size();
        workerCount = count;
        while (workers.size() > count) {
            workers.remove(workers.size() - 1).stop();
        }
        Path logs = config.dataDir().toAbsolutePath().resolve("logs");
        while (workers.size() < count) {
            ServiceProcess worker = workerService(workers.size(), logs);
            workers.add(worker);
            worker.start();
        }
        awaitWorkersJoined(count);
        return before;
    }

    /** Waits until {@code count} workers are members of the workers' consumer group. */
    public void awaitWorkersJoined(int count) {
        if (count == 0) {
            return;
        }
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        try (Admin admin = Admin.create(new LinkedHashMap<>(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                stack.endpoints().kafkaBootstrapServers())))) {
            while (Instant.now().isBefore(deadline)) {
                for (ServiceProcess worker : workers) {
                    if (!worker.isAlive()) {
                        throw new IllegalStateException(worker.name() + " exited during start; see " + worker.log());
                    }
                }
                try {
                    ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(Topics.WORKERS_GROUP))
                            .describedGroups().get(Topics.WORKERS_GROUP).get(5, TimeUnit.SECONDS);
                    if (group.members().size() >= count) {
                        return;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                } catch (Exception notYet) {
                    // The group does not exist until the first worker joins.
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }
        }
        throw new IllegalStateException("workers did not join the consumer group within " + START_TIMEOUT.toSeconds()
                + " s; see " + config.dataDir().resolve("logs"));
    }

    /**
     * Starts a second gateway or scheduler beside the first, as production runs two of each: a scheduler waits as
     * the standby of the active one, a gateway serves requests and stands by to relay the outbox. Returns once it
     * is healthy; {@link #close()} stops it.
     */
    public synchronized ServiceProcess startSecond(String service) {
        if (!service.equals("gateway") && !service.equals("scheduler")) {
            throw new IllegalArgumentException("only the gateway and the scheduler run twice, not " + service);
        }
        ServiceProcess second = quarkusService(service, service + "-2", FreePorts.pick(1)[0],
                config.dataDir().toAbsolutePath().resolve("logs"));
        if (service.equals("gateway")) {
            second.builder().environment().put("STYLEFARM_BOOTSTRAP_ADMIN_KEY", adminKey);
        }
        seconds.add(second);
        second.start();
        second.awaitHealthy(START_TIMEOUT);
        return second;
    }

    private ServiceProcess quarkusService(String name, int port, Path logs) {
        return quarkusService(name, name, port, logs);
    }

    /** @param label the process's name and log file: the service's name, or another for a second instance */
    private ServiceProcess quarkusService(String name, String label, int port, Path logs) {
        Path app = config.home().resolve(name).resolve("target/quarkus-app/quarkus-run.jar");
        StackEndpoints e = stack.endpoints();
        List<String> options = new ArrayList<>(List.of(
                name.equals("gateway") ? "-Xmx1g" : "-Xmx384m",
                // The control plane mostly waits on Kafka and PostgreSQL. C2 would spend minutes of a shared box's
                // cores optimising it, taken from the workers; C1's code is quick enough (and starts faster).
                "-XX:TieredStopAtLevel=1",
                "-Dquarkus.http.port=" + port,
                "-Dquarkus.datasource.jdbc.url=" + e.jdbcUrl(),
                "-Dstylefarm.kafka.bootstrap=" + e.kafkaBootstrapServers(),
                "-Dstylefarm.s3.endpoint=" + e.s3Endpoint(),
                "-Dstylefarm.s3.bucket=" + e.s3Bucket()));
        config.serviceSettings().forEach((key, value) -> {
            if (ownerOf(key).equals(name)) {
                options.add("-Dstylefarm." + key + "=" + value);
            }
        });
        String classpath = app + File.pathSeparator + OrphanGuard.classpathEntry();
        ProcessBuilder builder = ChildJvm.builder(logs.resolve(label + ".args"), classpath, options,
                "io.quarkus.bootstrap.runner.QuarkusEntryPoint", List.of());
        builder.directory(config.dataDir().toFile());
        passSecrets(builder);
        return new ServiceProcess(label, builder, logs.resolve(label + ".log"),
                "http://127.0.0.1:" + port + "/q/health/ready");
    }

    private ServiceProcess workerService(int index, Path logs) {
        String name = "worker-" + index;
        StackEndpoints e = stack.endpoints();
        List<String> options = new ArrayList<>(List.of(
                "-Xmx1g",
                "-Dstylefarm.kafka.bootstrap=" + e.kafkaBootstrapServers(),
                "-Dstylefarm.s3.endpoint=" + e.s3Endpoint(),
                "-Dstylefarm.s3.bucket=" + e.s3Bucket(),
                "-Dstylefarm.worker.id=local-" + name,
                "-Dstylefarm.worker.cache.dir=" + config.dataDir().resolve("worker-cache").resolve(name).toAbsolutePath()));
        config.serviceSettings().forEach((key, value) -> {
            if (ownerOf(key).equals("worker")) {
                options.add("-Dstylefarm." + key + "=" + value);
            }
        });
        // Each worker on this host serves /q/metrics on its own port (9400 in production, one per machine).
        int metricsPort = FreePorts.pick(1)[0];
        options.add("-Dstylefarm.worker.metrics.port=" + metricsPort);
        if (!config.serviceSettings().containsKey("worker.threads")) {
            // Workers on one host share its cores; oversubscribed ONNX Runtime threads lose more than they gain.
            int cores = Runtime.getRuntime().availableProcessors();
            options.add("-Dstylefarm.worker.threads=" + Math.max(1, cores / Math.max(1, workerCount)));
        }
        ProcessBuilder builder = ChildJvm.builder(logs.resolve(name + ".args"), options,
                "ai.stylefarm.worker.WorkerMain", List.of());
        passSecrets(builder);
        return new ServiceProcess(name, builder, logs.resolve(name + ".log"),
                "http://127.0.0.1:" + metricsPort + "/q/health");
    }

    /**
     * Credentials travel in the environment, which only the process's owner can read (/proc/PID/environ), never on
     * the command line, which every local user can (ps).
     */
    private void passSecrets(ProcessBuilder builder) {
        StackEndpoints e = stack.endpoints();
        Map<String, String> env = builder.environment();
        env.put("QUARKUS_DATASOURCE_USERNAME", e.jdbcUser());
        env.put("QUARKUS_DATASOURCE_PASSWORD", e.jdbcPassword());
        env.put("STYLEFARM_S3_ACCESS_KEY", e.s3AccessKey());
        env.put("STYLEFARM_S3_SECRET_KEY", e.s3SecretKey());
    }

    /** Settings go to the service named by their first segment; anything else is the gateway's. */
    private static String ownerOf(String key) {
        if (key.startsWith("scheduler.")) {
            return "scheduler";
        }
        return key.startsWith("worker.") ? "worker" : "gateway";
    }

    private static void checkBuilt(Path home) {
        for (String service : List.of("gateway", "scheduler")) {
            Path app = home.resolve(service).resolve("target/quarkus-app/quarkus-run.jar");
            if (!Files.isRegularFile(app)) {
                throw new IllegalStateException(app + " is missing: build first (./mvnw -DskipTests install,"
                        + " which ./farm does by itself)");
            }
        }
    }

    /** Workers first (they finish or release their tasks), then the scheduler, the gateway, and the stack. */
    @Override
    public void close() {
        List<Thread> stops = new ArrayList<>();
        for (ServiceProcess worker : workers) {
            Thread t = new Thread(worker::stop, "stop-" + worker.name());
            t.start();
            stops.add(t);
        }
        for (Thread t : stops) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        seconds.forEach(ServiceProcess::stop);
        scheduler.stop();
        gateway.stop();
        stack.close();
    }
}
