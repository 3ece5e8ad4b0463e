package ai.stylefarm.worker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stylefarm.infra.KafkaBroker;
import ai.stylefarm.schemas.DeadLetters;
import ai.stylefarm.schemas.GenerateTaskSpec;
import ai.stylefarm.schemas.ImageFormat;
import ai.stylefarm.schemas.Layout;
import ai.stylefarm.schemas.Messages;
import ai.stylefarm.schemas.NoiseMode;
import ai.stylefarm.schemas.Seeds;
import ai.stylefarm.schemas.TaskMessage;
import ai.stylefarm.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The consumer loop on a real broker, with a scripted runner in place of rendering: when the next task may start,
 * and in which order offsets are committed. Each test has its own consumer group, starting at the topic's end.
 */
class TaskConsumerLoopTest {
    private static final TopicPartition TASKS = new TopicPartition(Topics.TASKS, 0);
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path tmp;

    static KafkaBroker broker;
    static KafkaProducer<byte[], byte[]> producer;
    static Admin admin;

    private final Script script = new Script();
    private final AtomicBoolean drained = new AtomicBoolean();
    private String group;
    private long base;
    private TaskConsumerLoop loop;
    private Thread loopThread;

    @BeforeAll
    static void startBroker() {
        broker = new KafkaBroker(tmp.resolve("kafka"), 0, 0);
        broker.start();
        broker.createTopics(Map.of(Topics.TASKS, 1, Topics.DLQ, 1));
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()));
        admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()));
    }

    @AfterAll
    static void stopBroker() {
        admin.close();
        producer.close();
        broker.close();
    }

    @BeforeEach
    void startLoopAtTheTopicsEnd() throws Exception {
        group = "loop-test-" + UUID.randomUUID();
        try (KafkaConsumer<byte[], byte[]> probe = consumer()) {
            probe.assign(List.of(TASKS));
            probe.seekToEnd(List.of(TASKS));
            base = probe.position(TASKS);
            probe.commitSync(Map.of(TASKS, new OffsetAndMetadata(base)));
        }
        loop = new TaskConsumerLoop(consumer(), script, new DeadLetters(producer, group), drained::get);
        loopThread = new Thread(loop, "task-consumer-test");
        loopThread.start();
    }

    @AfterEach
    void stopLoop() throws Exception {
        script.releaseAll();
        loop.shutdown();
        loopThread.join(TimeUnit.SECONDS.toMillis(30));
        assertFalse(loopThread.isAlive(), "the loop should stop");
    }

    @Test
    void theNextTaskStartsWhileThePreviousOneStoresItsOutputsAndOffsetsAreCommittedInOrder() throws Exception {
        TaskMessage storing = publishHeld(script::renderThenWait);
        TaskMessage quick = publish(task());
        TaskMessage third = publish(task());

        script.awaitStarted(quick.taskId());
        await().atMost(WAIT).until(() -> script.ended(quick.taskId()));
        // Two in flight, the older not done: the quick one's offset waits for it, and no third task starts.
        await().during(Duration.ofSeconds(1)).atMost(WAIT).until(() -> committed() == base);
        assertFalse(script.started(third.taskId()));

        script.release(storing.taskId());
        script.awaitStarted(third.taskId());
        await().atMost(WAIT).until(() -> committed() == base + 3);
    }

    @Test
    void aDrainedWorkerFinishesItsTaskLeavesTheGroupAndComesBackWhenUndrained() throws Exception {
        TaskMessage running = publishHeld(script::holdLanesAndWait);
        script.awaitStarted(running.taskId());
        drained.set(true);
        TaskMessage next = publish(task());

        script.release(running.taskId());
        await().atMost(WAIT).until(() -> committed() == base + 1);
        await().atMost(WAIT).until(() -> admin.describeConsumerGroups(List.of(group)).all().get().get(group)
                .members().isEmpty());
        await().during(Duration.ofSeconds(1)).atMost(WAIT).until(() -> !script.started(next.taskId()));

        drained.set(false);
        script.awaitStarted(next.taskId());
        await().atMost(WAIT).until(() -> committed() == base + 2);
    }

    @Test
    void aTaskStillRenderingKeepsTheNextOneWaiting() throws Exception {
        TaskMessage rendering = publishHeld(script::holdLanesAndWait);
        TaskMessage next = publish(task());

        script.awaitStarted(rendering.taskId());
        await().during(Duration.ofSeconds(1)).atMost(WAIT).until(() -> !script.started(next.taskId()));

        script.release(rendering.taskId());
        script.awaitStarted(next.taskId());
        await().atMost(WAIT).until(() -> committed() == base + 2);
    }

    @Test
    void whenTheOlderTaskIsHandedBackOnShutdownTheNewerOneIsNotCommittedEither() throws Exception {
        TaskMessage abandoned = publishHeld(script::renderThenWaitForShutdown);
        TaskMessage finished = publish(task());

        script.awaitStarted(finished.taskId());
        await().atMost(WAIT).until(() -> script.ended(finished.taskId()));
        loop.shutdown();
        loopThread.join(TimeUnit.SECONDS.toMillis(30));

        // Both come again to the next member: committing the newer one would skip the older.
        assertEquals(base, committed());
    }

    @Test
    void garbageBehindATaskStillStoringIsDeadLetteredAndCommittedAfterIt() throws Exception {
        TaskMessage storing = publishHeld(script::renderThenWait);
        script.awaitStarted(storing.taskId());
        producer.send(new ProducerRecord<>(Topics.TASKS, "not a task".getBytes(StandardCharsets.UTF_8))).get();
        TaskMessage after = publish(task());

        await().during(Duration.ofSeconds(1)).atMost(WAIT).until(() -> committed() == base);
        script.release(storing.taskId());
        script.awaitStarted(after.taskId());
        await().atMost(WAIT).until(() -> committed() == base + 3);
    }

    private long committed() {
        try {
            OffsetAndMetadata offset = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS).get(TASKS);
            assertTrue(offset != null, "the group starts with a committed offset");
            return offset.offset();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return new KafkaConsumer<>(c);
    }

    /** A task that {@code hold} scripts before it is published, so the loop cannot run it unscripted. */
    private static TaskMessage publishHeld(Consumer<UUID> hold) throws Exception {
        TaskMessage task = task();
        hold.accept(task.taskId());
        return publish(task);
    }

    private static TaskMessage task() {
        UUID job = UUID.randomUUID();
        GenerateTaskSpec spec = new GenerateTaskSpec(Seeds.parse("0-3"), 1.0, null, null, NoiseMode.CONST,
                ImageFormat.PNG, Layout.FILES, "jobs/" + job + "/images/");
        return new TaskMessage(UUID.randomUUID(), job, 1, "m", null, "ab".repeat(32), spec, 120, Instant.now());
    }

    private static TaskMessage publish(TaskMessage task) throws Exception {
        producer.send(new ProducerRecord<>(Topics.TASKS, Messages.toJson(task))).get(30, TimeUnit.SECONDS);
        return task;
    }

    /** A runner whose tasks end at once unless told otherwise; it records which tasks started and ended. */
    private static final class Script implements TaskRunner {
        private enum Hold { RENDER_THEN_WAIT, HOLD_LANES_AND_WAIT, RENDER_THEN_WAIT_FOR_SHUTDOWN }

        private final Map<UUID, Hold> holds = new ConcurrentHashMap<>();
        private final Map<UUID, CountDownLatch> releases = new ConcurrentHashMap<>();
        private final Set<UUID> started = ConcurrentHashMap.newKeySet();
        private final Set<UUID> ended = ConcurrentHashMap.newKeySet();

        void renderThenWait(UUID task) {
            hold(task, Hold.RENDER_THEN_WAIT);
        }

        void holdLanesAndWait(UUID task) {
            hold(task, Hold.HOLD_LANES_AND_WAIT);
        }

        void renderThenWaitForShutdown(UUID task) {
            hold(task, Hold.RENDER_THEN_WAIT_FOR_SHUTDOWN);
        }

        private void hold(UUID task, Hold hold) {
            holds.put(task, hold);
            releases.put(task, new CountDownLatch(1));
        }

        void release(UUID task) {
            releases.get(task).countDown();
        }

        void releaseAll() {
            releases.values().forEach(CountDownLatch::countDown);
        }

        boolean started(UUID task) {
            return started.contains(task);
        }

        boolean ended(UUID task) {
            return ended.contains(task);
        }

        void awaitStarted(UUID task) {
            await().atMost(WAIT).until(() -> started(task));
        }

        @Override
        public Outcome process(TaskMessage task, BooleanSupplier stopping, Runnable rendered) {
            started.add(task.taskId());
            try {
                Hold hold = holds.get(task.taskId());
                if (hold == null) {
                    return Outcome.COMMIT;
                }
                if (hold != Hold.HOLD_LANES_AND_WAIT) {
                    rendered.run();
                }
                if (hold == Hold.RENDER_THEN_WAIT_FOR_SHUTDOWN) {
                    await().atMost(WAIT).until(stopping::getAsBoolean);
                    return Outcome.REDELIVER;
                }
                releases.get(task.taskId()).await(WAIT.toSeconds(), TimeUnit.SECONDS);
                return Outcome.COMMIT;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Outcome.REDELIVER;
            } finally {
                ended.add(task.taskId());
            }
        }
    }
}
