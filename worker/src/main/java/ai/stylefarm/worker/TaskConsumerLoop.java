package ai.stylefarm.worker;

import ai.stylefarm.schemas.DeadLetters;
import ai.stylefarm.schemas.MessageValidationException;
import ai.stylefarm.schemas.Messages;
import ai.stylefarm.schemas.TaskMessage;
import ai.stylefarm.schemas.Topics;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
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
 * The poll loop over {@link Topics#TASKS}. Tasks run on their own threads while this thread keeps polling, with
 * every partition paused whenever no further task may start: the group sees a live member however long a task
 * takes, and no record is fetched that could not be started.
 *
 * <p>One task renders at a time. Once it has rendered its last batch, the next record is fetched and starts
 * (its STARTED event, its first batches) while the previous one still stores its last outputs and reports: the
 * render lanes never wait for object storage or Kafka between tasks. At most two tasks are in flight.
 *
 * <p>An offset is committed only once its task has sent its terminal event, and in record order: a task that ends
 * first waits for the one before it, and when that one is not committed (handed back on shutdown, or its event
 * could not be sent), neither is any later task of its partition. A crash anywhere before the commit re-delivers
 * the task (at-least-once; the outputs are deterministic).
 *
 * <p>Owns the consumer: all calls on it happen on the thread that runs {@link #run()}, which closes it.
 */
public final class TaskConsumerLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(TaskConsumerLoop.class);
    private static final Duration POLL = Duration.ofMillis(250);
    /**
     * While the next task may start beside one in flight, short polls notice the end of that task as well as a
     * record, so either is handled within milliseconds instead of up to a whole idle poll later.
     */
    private static final Duration POLL_WHILE_BUSY = Duration.ofMillis(10);
    /**
     * While no task may start, the loop sleeps until a task renders its last batch or ends, polling at this
     * interval only to serve rebalances (the group heartbeat has its own thread).
     */
    private static final long POLL_WHILE_RENDERING_MS = 500;
    private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(30);
    /** After Kafka refused an event or a dead letter, before the record is tried again. */
    private static final long RETRY_BACKOFF_MS = 1000;
    /** One task rendering and one storing its last outputs. */
    static final int MAX_IN_FLIGHT = 2;

    private final Consumer<byte[], byte[]> consumer;
    private final TaskRunner runner;
    private final DeadLetters deadLetters;
    private final BooleanSupplier drained;
    private boolean inGroup;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final ExecutorService executor = Executors.newFixedThreadPool(MAX_IN_FLIGHT,
            DaemonThreads.named("task-processor"));
    /** Oldest first: the order in which offsets may be committed. */
    private final Deque<InFlight> inFlight = new ArrayDeque<>();
    /** Released by task threads whenever a task renders its last batch or ends. */
    private final Semaphore taskChanged = new Semaphore(0);

    /** @param drained whether an operator drained this worker: it then takes no task and leaves the group */
    public TaskConsumerLoop(Consumer<byte[], byte[]> consumer, TaskRunner runner, DeadLetters deadLetters,
                            BooleanSupplier drained) {
        this.consumer = consumer;
        this.runner = runner;
        this.deadLetters = deadLetters;
        this.drained = drained;
    }

    /** Stop taking work; the tasks in flight finish their batch and then end or are handed back. Any thread. */
    public void shutdown() {
        stopping.set(true);
    }

    public boolean isStopping() {
        return stopping.get();
    }

    @Override
    public void run() {
        try {
            while (!stopping.get() || !inFlight.isEmpty()) {
                if (!followDrain()) {
                    sleep(POLL.toMillis());
                    continue;
                }
                ConsumerRecords<byte[], byte[]> records;
                try {
                    if (inFlight.isEmpty()) {
                        records = consumer.poll(POLL);
                    } else if (mayStartAnother()) {
                        records = consumer.poll(POLL_WHILE_BUSY);
                    } else {
                        awaitTaskChange();
                        records = consumer.poll(Duration.ZERO);
                    }
                } catch (KafkaException e) {
                    // A broker restart or a rebalance: the consumer recovers on a later poll; the tasks go on.
                    LOG.warn("Poll failed ({}); polling again", e.getMessage());
                    sleep(RETRY_BACKOFF_MS);
                    finishEnded();
                    continue;
                }
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    if (!mayStartAnother()) {
                        // max.poll.records=1 and pausing make this rare; not committed, so it comes again.
                        consumer.seek(new TopicPartition(record.topic(), record.partition()), record.offset());
                        continue;
                    }
                    accept(record);
                }
                finishEnded();
                if (mayStartAnother()) {
                    consumer.resume(consumer.assignment());
                } else {
                    consumer.pause(consumer.assignment());
                }
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

    /**
     * Joins or leaves the group as the operator asks: a drained worker leaves once nothing is in flight, so that
     * its partitions (and any task released to them) go to the others at once; undrained, it joins again.
     *
     * @return whether the worker is in the group and may poll
     */
    private boolean followDrain() {
        boolean drain = drained.getAsBoolean();
        if (!drain && !inGroup) {
            consumer.subscribe(List.of(Topics.TASKS), new Rebalance());
            inGroup = true;
        } else if (drain && inGroup && inFlight.isEmpty()) {
            consumer.unsubscribe();
            inGroup = false;
            LOG.info("Drained: left the group {}", Topics.WORKERS_GROUP);
        }
        return inGroup;
    }

    /** Nothing in flight, or the newest task has rendered its last batch and there is room beside it. */
    private boolean mayStartAnother() {
        if (stopping.get() || drained.getAsBoolean()) {
            return false;
        }
        InFlight newest = inFlight.peekLast();
        return newest == null || (inFlight.size() < MAX_IN_FLIGHT && newest.rendered.isDone());
    }

    private void accept(ConsumerRecord<byte[], byte[]> record) {
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        TaskMessage task;
        try {
            task = Messages.parse(record.value(), TaskMessage.class);
        } catch (MessageValidationException e) {
            deadLetter(record, tp, e.getMessage());
            return;
        }
        CompletableFuture<Void> rendered = new CompletableFuture<>();
        CompletableFuture<TaskRunner.Outcome> result = new CompletableFuture<>();
        executor.execute(() -> {
            try {
                result.complete(runner.process(task, stopping::get, () -> {
                    rendered.complete(null);
                    taskChanged.release();
                }));
            } catch (Throwable t) {
                result.completeExceptionally(t);
            } finally {
                rendered.complete(null);
                taskChanged.release();
            }
        });
        inFlight.addLast(new InFlight(tp, record.offset(), rendered, result));
    }

    /**
     * A record that is not a task goes to the DLQ. Its offset joins the queue as an ended entry, so it is committed
     * in order, after any task before it on its partition.
     */
    private void deadLetter(ConsumerRecord<byte[], byte[]> record, TopicPartition tp, String reason) {
        try {
            deadLetters.send(record, reason);
        } catch (RuntimeException dlqDown) {
            LOG.warn("Could not dead-letter {}@{}, will retry: {}", tp, record.offset(), dlqDown.getMessage());
            consumer.seek(tp, record.offset());
            sleep(RETRY_BACKOFF_MS);
            return;
        }
        inFlight.addLast(new InFlight(tp, record.offset(), CompletableFuture.completedFuture(null),
                CompletableFuture.completedFuture(TaskRunner.Outcome.COMMIT)));
    }

    /** Commits or hands back every task at the head of the queue that has ended, oldest first. */
    private void finishEnded() {
        while (!inFlight.isEmpty() && inFlight.peekFirst().result.isDone()) {
            InFlight done = inFlight.removeFirst();
            TaskRunner.Outcome outcome = null;
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
            } else if (outcome == TaskRunner.Outcome.COMMIT) {
                commit(done.tp, done.offset);
            } else {
                // Later tasks of this partition come again from this offset: committing them would skip this one.
                inFlight.stream().filter(t -> t.tp.equals(done.tp)).forEach(t -> t.revoked = true);
                if (!stopping.get()) {
                    consumer.seek(done.tp, done.offset);
                    sleep(RETRY_BACKOFF_MS);
                }
            }
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

    private void awaitTaskChange() {
        try {
            if (taskChanged.tryAcquire(POLL_WHILE_RENDERING_MS, TimeUnit.MILLISECONDS)) {
                taskChanged.drainPermits();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
        /** Done once the task no longer needs the render lanes (or has ended). */
        final CompletableFuture<Void> rendered;
        final CompletableFuture<TaskRunner.Outcome> result;
        /**
         * Set when the partition left this member, or an earlier task of it was handed back: committing for it
         * then would fail, rewind the new owner, or skip the earlier task.
         */
        boolean revoked;

        InFlight(TopicPartition tp, long offset, CompletableFuture<Void> rendered,
                 CompletableFuture<TaskRunner.Outcome> result) {
            this.tp = tp;
            this.offset = offset;
            this.rendered = rendered;
            this.result = result;
        }
    }

    /** Runs inside poll(), on the loop thread. */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            inFlight.stream().filter(t -> partitions.contains(t.tp)).forEach(t -> t.revoked = true);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            onPartitionsRevoked(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            // New partitions arrive unpaused; while no task may start, they must wait like the others.
            if (!mayStartAnother()) {
                consumer.pause(partitions);
            }
        }
    }
}
