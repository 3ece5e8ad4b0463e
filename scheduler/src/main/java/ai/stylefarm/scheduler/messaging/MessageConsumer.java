package ai.stylefarm.scheduler.messaging;

import ai.stylefarm.schemas.DeadLetters;
import ai.stylefarm.schemas.MessageValidationException;
import ai.stylefarm.schemas.Messages;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

/**
 * Consumes one topic on its own thread: each record is parsed against its schema (else dead-lettered) and handed
 * to the handler, whose database transaction is committed before the offset is. A transient failure (database
 * or broker unreachable) rewinds to the failed record and retries it after a back-off, so nothing is skipped; any
 * other failure dead-letters the record with the reason, so one bad record never stops the stream.
 */
final class MessageConsumer<T> implements Runnable {
    private static final Logger LOG = Logger.getLogger(MessageConsumer.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

    interface Handler<T> {
        void handle(T message, ConsumerRecord<byte[], byte[]> record) throws Exception;
    }

    private final Consumer<byte[], byte[]> consumer;
    private final String topic;
    private final Class<T> type;
    private final Handler<T> handler;
    private final DeadLetters deadLetters;
    private volatile boolean running = true;

    MessageConsumer(Consumer<byte[], byte[]> consumer, String topic, Class<T> type, Handler<T> handler,
                    DeadLetters deadLetters) {
        this.consumer = consumer;
        this.topic = topic;
        this.type = type;
        this.handler = handler;
        this.deadLetters = deadLetters;
    }

    @Override
    public void run() {
        Duration backoff = Duration.ofMillis(200);
        try {
            consumer.subscribe(List.of(topic));
            while (running) {
                ConsumerRecords<byte[], byte[]> records;
                try {
                    records = consumer.poll(Duration.ofMillis(500));
                } catch (WakeupException e) {
                    throw e;
                } catch (KafkaException e) {
                    // The broker restarting or the group rebalancing: the consumer recovers on a later poll.
                    LOG.warnf("%s: poll failed (%s); polling again", topic, e.getMessage());
                    sleep(Duration.ofSeconds(1));
                    continue;
                }
                Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
                try {
                    for (ConsumerRecord<byte[], byte[]> record : records) {
                        process(record);
                        done.put(new TopicPartition(record.topic(), record.partition()),
                                new OffsetAndMetadata(record.offset() + 1));
                    }
                    backoff = Duration.ofMillis(200);
                } catch (TransientException e) {
                    LOG.warnf("%s: %s; retrying in %d ms", topic, e.getMessage(), backoff.toMillis());
                    rewind(records, done);
                    sleep(backoff);
                    backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
                }
                if (!done.isEmpty()) {
                    commit(done);
                }
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        } catch (RuntimeException e) {
            LOG.error(topic + " consumer stopped", e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /**
     * A commit that fails (a rebalance after a broker restart, a coordinator moving) is not fatal: the records come
     * again, and every handler is idempotent (stale attempts, deterministic keys, planning once per job).
     */
    private void commit(Map<TopicPartition, OffsetAndMetadata> done) {
        try {
            consumer.commitSync(done);
        } catch (WakeupException e) {
            throw e;
        } catch (KafkaException e) {
            LOG.warnf("%s: could not commit (%s); the records will be processed again", topic, e.getMessage());
        }
    }

    private void process(ConsumerRecord<byte[], byte[]> record) {
        T message;
        try {
            message = Messages.parse(record.value(), type);
        } catch (MessageValidationException e) {
            deadLetter(record, e.getMessage());
            return;
        }
        try {
            handler.handle(message, record);
        } catch (Exception e) {
            if (isTransient(e)) {
                throw new TransientException(e);
            }
            LOG.errorf(e, "%s@%d cannot be processed", topic, record.offset());
            deadLetter(record, "cannot be processed: " + e.getMessage());
        }
    }

    private void deadLetter(ConsumerRecord<byte[], byte[]> record, String reason) {
        try {
            deadLetters.send(record, reason);
        } catch (RuntimeException e) {
            throw new TransientException(e);
        }
    }

    /** Seeks each partition with unprocessed records back to its first unprocessed offset. */
    private void rewind(ConsumerRecords<byte[], byte[]> records, Map<TopicPartition, OffsetAndMetadata> done) {
        for (TopicPartition partition : records.partitions()) {
            OffsetAndMetadata processed = done.get(partition);
            long first = records.records(partition).get(0).offset();
            consumer.seek(partition, processed != null ? processed.offset() : first);
        }
    }

    private static boolean isTransient(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException || t instanceof KafkaException
                    || t instanceof ai.stylefarm.domain.store.StaleWriteException) {
                return true;
            }
        }
        return false;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void shutdown() {
        running = false;
        consumer.wakeup();
    }

    private static final class TransientException extends RuntimeException {
        TransientException(Throwable cause) {
            super(cause.getMessage(), cause);
        }
    }
}
