package ai.stylefarm.schemas;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records nobody can process go to {@link Topics#DLQ} unchanged, with {@link DlqHeaders} saying why and from
 * where. The producer is shared and owned by the caller.
 */
public final class DeadLetters {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);
    /** Kafka headers have no hard limit, but a record must fit max.request.size; a reason is for people. */
    private static final int MAX_REASON = 4000;

    private final Producer<byte[], byte[]> producer;
    private final String consumer;

    /** @param consumer who gave up, e.g. {@code workers/<worker id>} */
    public DeadLetters(Producer<byte[], byte[]> producer, String consumer) {
        this.producer = producer;
        this.consumer = consumer;
    }

    /**
     * Returns once the broker has the dead letter: the caller commits the original offset next, and the record
     * must not vanish in between.
     */
    public void send(ConsumerRecord<byte[], byte[]> original, String reason) {
        String cut = reason == null || reason.isBlank() ? "unknown" : reason;
        if (cut.length() > MAX_REASON) {
            cut = cut.substring(0, MAX_REASON);
        }
        ProducerRecord<byte[], byte[]> letter = new ProducerRecord<>(Topics.DLQ, null, original.key(),
                original.value());
        Headers headers = letter.headers();
        for (Header h : original.headers()) {
            headers.add(h.key(), h.value());
        }
        headers.add(DlqHeaders.REASON, utf8(cut));
        headers.add(DlqHeaders.ORIGIN_TOPIC, utf8(original.topic()));
        headers.add(DlqHeaders.ORIGIN_PARTITION, utf8(Integer.toString(original.partition())));
        headers.add(DlqHeaders.ORIGIN_OFFSET, utf8(Long.toString(original.offset())));
        headers.add(DlqHeaders.CONSUMER, utf8(consumer));
        try {
            producer.send(letter).get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while dead-lettering", e);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException("could not dead-letter " + original.topic() + "/" + original.partition()
                    + "@" + original.offset() + ": " + cause.getMessage(), cause);
        }
        LOG.warn("Dead-lettered {}/{}@{}: {}", original.topic(), original.partition(), original.offset(), cut);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
