package ai.stylefarm.worker;

import ai.stylefarm.schemas.DeadLetters;
import ai.stylefarm.schemas.MessageValidationException;
import ai.stylefarm.schemas.Messages;
import ai.stylefarm.schemas.TaskMessage;
import ai.stylefarm.schemas.Topics;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The poll loop over {@link Topics#TASKS}. One task at a time runs on a separate thread while this thread keeps
 * polling with every partition paused: the group sees a live member however long the task takes, and no second
 * record is fetched. The offset is committed only once the processor has sent the terminal event, so a crash
 * anywhere before that re-delivers the task (at-least-once; the outputs are deterministic).
 *
 * <p>Owns the consumer: all calls on it happen on the thread that runs {@link #run()}, which closes it.
 */
public final class TaskConsumerLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(TaskConsumerLoop.class);
    private static final Duration POLL = Duration.ofMillis(250);
    /**
     * While a task runs, polls only keep the membership alive and notice the task's end; short ones let the next
     * task start within milliseconds of the last one finishing, instead of up to a whole idle poll later.
     */
    private static final Duration POLL_WHILE_BUSY = Duration.ofMillis(10);
    private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(30);
    /** After Kafka refused an event or a dead letter, before the record is tried again. */
    private static final long RETRY_BACKOFF_MS = 1000;

    private final Consumer<byte[], byte[]> consumer;
    private final TaskProcessor processor;
    private final DeadLetters deadLetters;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "task-processor");
        t.setDaemon(true);
        return t;
    });
    private InFlight inFlight;

    public TaskConsumerLoop(Consumer<byte[], byte[]> consumer, TaskProcessor processor, DeadLetters deadLetters) {
        this.consumer = consumer;
        this.processor = processor;
        this.deadLetters = deadLetters;
    }

    /** Stop taking work; the task in flight finishes its batch and then ends or is handed back. Any thread. */
    public void shutdown() {
        stopping.set(true);
    }

    public boolean isStopping() {
        return stopping.get();
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(List.of(Topics.TASKS), new Rebalance());
            while (!stopping.get() || inFlight != null) {
                ConsumerRecords<byte[], byte[]> records;
                try {
                    records = consumer.poll(inFlight == null ? POLL : POLL_WHILE_BUSY);
                } catch (KafkaException e) {
                    // A broker restart or a rebalance: the consumer recovers on a later poll; the task goes on.
                    LOG.warn("Poll failed ({}); polling again", e.getMessage());
                    sleep(RETRY_BACKOFF_MS);
                    finishIfDone();
                    continue;
                }
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    if (inFlight != null || stopping.get()) {
                        // max.poll.records=1 makes this rare; not committed, so it comes again.
                        consumer.seek(new TopicPartition(record.topic(), record.partition()), record.offset());
                        continue;
                    }
                    accept(record);
                }
                finishIfDone();
            }
            LOG.info("Consumer loop stopped");
        } catch (RuntimeException e) {
            LOG.error("Consumer loop failed; the worker stops", e);
            throw e;
        } finally {
            executor.shutdownNow();
            try {
                executor.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            // No commit on close: enable.auto.commit is off, so an abandoned task stays uncommitted.
            consumer.close(Duration.ofSeconds(10));
        }
    }

    private void accept(ConsumerRecord<byte[], byte[]> record) {
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        TaskMessage task;
        try {
            task = Messages.parse(record.value(), TaskMessage.class);
        } catch (MessageValidationException e) {
            try {
                deadLetters.send(record, e.getMessage());
            } catch (RuntimeException dlqDown) {
                LOG.warn("Could not dead-letter {}@{}, will retry: {}", tp, record.offset(), dlqDown.getMessage());
                consumer.seek(tp, record.offset());
                sleep(RETRY_BACKOFF_MS);
                return;
            }
            commit(tp, record.offset());
            return;
        }
        consumer.pause(consumer.assignment());
        Future<TaskProcessor.Outcome> result = executor.submit(() -> processor.process(task, stopping::get));
        inFlight = new InFlight(tp, record.offset(), result);
    }

    private void finishIfDone() {
        if (inFlight == null || !inFlight.result.isDone()) {
            return;
        }
        InFlight done = inFlight;
        inFlight = null;
        TaskProcessor.Outcome outcome = null;
        try {
            outcome = done.result.get();
        } catch (ExecutionException e) {
            LOG.warn("Task at {}@{} could not report its outcome, will retry: {}", done.tp, done.offset,
                    e.getCause() == null ? e : e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (done.revoked) {
            LOG.info("{} was reassigned while its task ran; its new owner redoes it", done.tp);
        } else if (outcome == TaskProcessor.Outcome.COMMIT) {
            commit(done.tp, done.offset);
        } else if (!stopping.get()) {
            consumer.seek(done.tp, done.offset);
            sleep(RETRY_BACKOFF_MS);
        }
        if (!stopping.get()) {
            consumer.resume(consumer.assignment());
        }
    }

    private void commit(TopicPartition tp, long offset) {
        try {
            consumer.commitSync(Map.of(tp, new OffsetAndMetadata(offset + 1)), COMMIT_TIMEOUT);
        } catch (KafkaException e) {
            // Not fatal: the record comes again, and redoing a task or a dead letter is harmless.
            LOG.warn("Could not commit {}@{}: {}", tp, offset, e.getMessage());
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final class InFlight {
        final TopicPartition tp;
        final long offset;
        final Future<TaskProcessor.Outcome> result;
        /** Set when the partition left this member; committing for it then would fail or rewind the new owner. */
        boolean revoked;

        InFlight(TopicPartition tp, long offset, Future<TaskProcessor.Outcome> result) {
            this.tp = tp;
            this.offset = offset;
            this.result = result;
        }
    }

    /** Runs inside poll(), on the loop thread. */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (inFlight != null && partitions.contains(inFlight.tp)) {
                inFlight.revoked = true;
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            onPartitionsRevoked(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            // New partitions arrive unpaused; while busy, they must wait like the others.
            if (inFlight != null || stopping.get()) {
                consumer.pause(partitions);
            }
        }
    }
}
