package ai.stylefarm.worker;

import ai.stylefarm.schemas.Messages;
import ai.stylefarm.schemas.TaskEvent;
import ai.stylefarm.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Task events to {@link Topics#TASK_EVENTS}, keyed by job id so that one job's events keep their order.
 * The producer is shared and owned by the caller.
 */
public final class EventPublisher {
    private static final Logger LOG = LoggerFactory.getLogger(EventPublisher.class);
    private static final long ACK_TIMEOUT_SECONDS = 60;

    private final Producer<byte[], byte[]> producer;

    public EventPublisher(Producer<byte[], byte[]> producer) {
        this.producer = producer;
    }

    /** For progress and heartbeats: losing one is harmless, the next one says the same or more. */
    public void send(TaskEvent event) {
        producer.send(record(event), (metadata, error) -> {
            if (error != null) {
                LOG.warn("Could not send {} for task {}: {}", event.type(), event.taskId(), error.getMessage());
            }
        });
    }

    /**
     * For STARTED, SUCCEEDED and FAILED: returns only once the broker has the event, because the task's offset is
     * committed right after, and a terminal event lost after the commit would leave the task running forever.
     *
     * @throws DeliveryException when the broker does not acknowledge in time
     */
    public void sendAndWait(TaskEvent event) {
        Future<RecordMetadata> ack = producer.send(record(event));
        try {
            ack.get(ACK_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryException("interrupted while sending " + event.type(), e);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new DeliveryException("could not send " + event.type() + " for task " + event.taskId() + ": "
                    + cause.getMessage(), cause);
        }
    }

    private static ProducerRecord<byte[], byte[]> record(TaskEvent event) {
        return new ProducerRecord<>(Topics.TASK_EVENTS, event.jobId().toString().getBytes(StandardCharsets.UTF_8),
                Messages.toJson(event));
    }

    /** An event the task's outcome depends on did not reach Kafka; the task must be redelivered, not committed. */
    public static final class DeliveryException extends RuntimeException {
        public DeliveryException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
