package ai.stylefarm.infra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka, PostgreSQL and S3 for StyleFarm on 127.0.0.1, all under one data directory:
 * {@code kafka/}, {@code postgres/}, {@code s3/} and {@code stack.json}.
 *
 * <pre>{@code
 * try (EmbeddedStack stack = EmbeddedStack.start(tempDir)) {
 *     StackEndpoints endpoints = stack.endpoints();
 *     stack.kafka().stop();      // fault injection: each component stops and starts on its own,
 *     stack.kafka().start();     // on the same ports and data
 *     stack.postgres().restart();
 * }
 * }</pre>
 */
public final class EmbeddedStack implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedStack.class);

    private final Path dataDir;
    private final KafkaBroker kafka;
    /** Null for a single node; else every node, {@link #kafka} being the first. */
    private final KafkaCluster cluster;
    private final PostgresServer postgres;
    private final S3Server s3;
    private final Thread shutdownHook;
    private boolean closed;
    private volatile boolean wroteStackJson;

    private EmbeddedStack(StackConfig config) {
        this.dataDir = config.dataDir().toAbsolutePath().normalize();
        this.cluster = config.kafkaNodes() > 1 ? new KafkaCluster(dataDir.resolve("kafka"), config.kafkaNodes()) : null;
        this.kafka = cluster != null ? cluster.nodes().get(0)
                : new KafkaBroker(dataDir.resolve("kafka"), config.kafkaPort(), config.kafkaControllerPort());
        this.postgres = config.externalJdbcUrl() != null
                ? PostgresServer.external(config.externalJdbcUrl(), config.jdbcUser(), config.jdbcPassword())
                : new PostgresServer(dataDir.resolve("postgres"), config.postgresPort(), config.database(),
                        config.jdbcUser(), config.jdbcPassword());
        this.s3 = new S3Server(dataDir.resolve("s3"), config.s3Port(), config.s3AccessKey(), config.s3SecretKey(),
                config.s3Bucket());
        this.shutdownHook = new Thread(this::close, "embedded-stack-shutdown");
    }

    /** Starts the default stack under {@code .stylefarm/} in the working directory. */
    public static EmbeddedStack start() {
        return start(StackConfig.defaults());
    }

    /** Starts the default stack under {@code dataDir}. */
    public static EmbeddedStack start(Path dataDir) {
        return start(StackConfig.defaults(dataDir));
    }

    /**
     * Starts all three components in parallel and returns once each answers requests; writes
     * {@code stack.json}. If one fails, the others are stopped again before the failure is thrown.
     */
    public static EmbeddedStack start(StackConfig config) {
        EmbeddedStack stack = new EmbeddedStack(config);
        stack.startAll();
        return stack;
    }

    /** The broker, or the first node of a cluster (a fault test kills and restarts it like any broker). */
    public KafkaBroker kafka() {
        return kafka;
    }

    /** Creates topics replicated as the stack's Kafka allows: once on a single node, on every node of a cluster. */
    public void createTopics(java.util.Map<String, Integer> partitionsByTopic) {
        if (cluster != null) {
            cluster.createTopics(partitionsByTopic);
        } else {
            kafka.createTopics(partitionsByTopic);
        }
    }

    public PostgresServer postgres() {
        return postgres;
    }

    public S3Server s3() {
        return s3;
    }

    public Path dataDir() {
        return dataDir;
    }

    public StackEndpoints endpoints() {
        return new StackEndpoints(cluster != null ? cluster.bootstrapServers() : kafka.bootstrapServers(),
                postgres.jdbcUrl(), postgres.user(), postgres.password(),
                s3.endpoint(), s3.accessKey(), s3.secretKey(), s3.bucket());
    }

    private void startAll() {
        Instant began = Instant.now();
        // Data, logs and stack.json (the database password and S3 secret) are the owner's alone.
        OwnerOnly.directory(dataDir);
        refuseIfAnotherStackRuns();
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        // Kafka's JVM start dominates; PostgreSQL and S3 are ready well before it. Own threads, because
        // the common pool has a single thread on a two-core machine.
        ExecutorService pool = Executors.newFixedThreadPool(3, runnable -> {
            Thread thread = new Thread(runnable, "embedded-stack-start");
            thread.setDaemon(true);
            return thread;
        });
        List<CompletableFuture<Void>> starts = List.of(
                CompletableFuture.runAsync(cluster != null ? cluster::start : kafka::start, pool),
                CompletableFuture.runAsync(postgres::start, pool),
                CompletableFuture.runAsync(s3::start, pool));
        pool.shutdown();
        List<Throwable> failures = new ArrayList<>();
        for (CompletableFuture<Void> start : starts) {
            try {
                start.join();
            } catch (CompletionException e) {
                failures.add(e.getCause() != null ? e.getCause() : e);
            }
        }
        if (!failures.isEmpty()) {
            close();
            RuntimeException thrown = new IllegalStateException("embedded stack failed to start in " + dataDir,
                    failures.get(0));
            failures.stream().skip(1).forEach(thrown::addSuppressed);
            throw thrown;
        }
        endpoints().write(dataDir, ProcessHandle.current().pid(), Instant.now());
        wroteStackJson = true;
        LOG.info("Embedded stack ready in {} ms under {}", Duration.between(began, Instant.now()).toMillis(), dataDir);
    }

    /** Two stacks on one data directory would fight over it; the second one says so instead. */
    private void refuseIfAnotherStackRuns() {
        StackEndpoints.owner(dataDir).ifPresent(h -> {
            throw new IllegalStateException("a stack (pid " + h.pid() + ") already runs on " + dataDir
                    + "; stop it first, or use another data directory");
        });
    }

    /** Stops S3, PostgreSQL and Kafka, in the reverse of their listing, and removes {@code stack.json}. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException failure = null;
        for (AutoCloseable component : List.<AutoCloseable>of(s3, postgres, cluster != null ? cluster : kafka)) {
            try {
                component.close();
            } catch (Exception e) {
                LOG.warn("Could not stop {}", component, e);
                if (failure == null) {
                    failure = new IllegalStateException("could not stop every component", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        try {
            if (wroteStackJson) {
                Files.deleteIfExists(dataDir.resolve(StackEndpoints.FILE_NAME));
            }
        } catch (IOException e) {
            LOG.warn("Could not delete {}", dataDir.resolve(StackEndpoints.FILE_NAME), e);
        }
        if (Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // The hook will find the stack closed.
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
