package ai.stylefarm.worker;

import ai.stylefarm.domain.messaging.KafkaClients;
import ai.stylefarm.domain.storage.Bucket;
import ai.stylefarm.modelkit.inference.GeneratorSession;
import ai.stylefarm.schemas.DeadLetters;
import ai.stylefarm.schemas.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running worker: wires the clients and parts together and runs the consumer loop on its own thread.
 * {@link #close()} is the graceful stop (what SIGTERM triggers): no new work, the current batch finishes, then
 * everything is closed in reverse order of creation.
 */
public final class Worker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Worker.class);
    /** How long close() waits for the current batch; past it the task is re-delivered anyway (not committed). */
    private static final Duration STOP_TIMEOUT = Duration.ofMinutes(2);

    private final WorkerConfig config;
    private final Bucket store;
    private final KafkaProducer<byte[], byte[]> producer;
    private final ModelCache models;
    private final TaskProcessor processor;
    private final WorkerMetrics metrics;
    private final DrainWatch drain;
    private final TaskConsumerLoop loop;
    private final Thread loopThread;
    private boolean closed;

    private Worker(WorkerConfig config) {
        this.config = config;
        this.store = WorkerBucket.open(config);
        this.producer = new KafkaProducer<>(producerConfig(config));
        String device = GeneratorSession.resolveDevice(config.device());
        RenderThreads threads = RenderThreads.of(device, config.resolvedThreads());
        this.models = new ModelCache(store, config.cacheDir(), config.device(), threads.sessionThreads(),
                threads.projectionThreads(), config.openSessions());
        EventPublisher events = new EventPublisher(producer);
        this.metrics = new WorkerMetrics(config.workerId(), device, config.metricsPort(),
                device.equals("cuda") ? GpuStats.probe() : null);
        this.processor = new TaskProcessor(models, store, events, config, threads.lanes(), Clock.systemUTC(), metrics);
        DeadLetters deadLetters = new DeadLetters(producer, Topics.WORKERS_GROUP + "/" + config.workerId());
        this.drain = new DrainWatch(store, config.workerId());
        this.loop = new TaskConsumerLoop(new KafkaConsumer<>(consumerConfig(config)), processor, deadLetters,
                drain::isDraining);
        this.loopThread = new Thread(loop, "task-consumer");
    }

    /** Connects and starts consuming; returns at once. */
    public static Worker start(WorkerConfig config) {
        Worker worker = new Worker(config);
        worker.loopThread.start();
        LOG.info("Worker {} consuming {} as group {} (device {} -> {}, batch {}, threads {}, cache {})", config.workerId(),
                Topics.TASKS, Topics.WORKERS_GROUP, config.device().name().toLowerCase(Locale.ROOT),
                GeneratorSession.resolveDevice(config.device()).equals("cuda") ? "CUDA (ONNX Runtime CUDA provider)"
                        : "CPU (no CUDA provider in this build, or device cpu)", config.batchSize(), config.resolvedThreads(),
                config.cacheDir().toAbsolutePath());
        return worker;
    }

    public WorkerConfig config() {
        return config;
    }

    /** Where {@code /q/metrics} is served, or -1 when {@code worker.metrics.port} is -1. */
    public int metricsPort() {
        return metrics.port();
    }

    /** Blocks until the consumer loop has ended, after {@link #close()} or a fatal error. */
    public void awaitTermination() throws InterruptedException {
        loopThread.join();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        LOG.info("Worker {} stopping", config.workerId());
        loop.shutdown();
        try {
            loopThread.join(STOP_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (loopThread.isAlive()) {
            LOG.warn("Consumer loop still busy after {}; closing anyway", STOP_TIMEOUT);
        }
        try (store; producer; models; processor; metrics; drain) {
            producer.flush();
        }
        LOG.info("Worker {} stopped", config.workerId());
    }

    static Map<String, Object> consumerConfig(WorkerConfig config) {
        // One task at a time: a record fetched is a record that could be started.
        return KafkaClients.consumer(config.kafkaBootstrap(), Topics.WORKERS_GROUP, config.workerId(), 1);
    }

    static Map<String, Object> producerConfig(WorkerConfig config) {
        return KafkaClients.patientProducer(config.kafkaBootstrap(), config.workerId() + "-events");
    }
}
