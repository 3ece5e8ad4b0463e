package ai.stylefarm.gateway.dashboard;

import ai.stylefarm.domain.messaging.KafkaClients;
import ai.stylefarm.gateway.config.GatewayConfig;
import ai.stylefarm.schemas.ConsumerLag;
import ai.stylefarm.schemas.DlqHeaders;
import ai.stylefarm.schemas.Topics;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** The queues page: consumer lag per topic and group, and the dead-letter topic's size and latest reasons. */
@ApplicationScoped
public class QueueProbe {
    private static final int LATEST = 10;

    private final GatewayConfig config;
    private Admin admin;

    public QueueProbe(GatewayConfig config) {
        this.config = config;
    }

    public record DeadLetter(String reason, String originTopic, String consumer, Instant at) {
    }

    public record Queues(List<ConsumerLag.Lag> lag, long deadLetters, List<DeadLetter> latestDeadLetters) {
    }

    public Queues read() {
        try {
            Map<TopicPartition, Long> ends = ConsumerLag.endOffsets(admin(), List.of(Topics.DLQ));
            return new Queues(ConsumerLag.measure(admin()), ends.values().stream().mapToLong(Long::longValue).sum(),
                    latest(ends));
        } catch (Exception e) {
            throw new IllegalStateException("the broker did not answer: " + e.getMessage(), e);
        }
    }

    /** The last {@value #LATEST} dead letters across partitions, newest first, read without a consumer group. */
    private List<DeadLetter> latest(Map<TopicPartition, Long> ends) {
        List<DeadLetter> letters = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafka().bootstrap(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName()))) {
            List<TopicPartition> partitions = ends.entrySet().stream().filter(e -> e.getValue() > 0).map(Map.Entry::getKey)
                    .toList();
            consumer.assign(partitions);
            partitions.forEach(p -> consumer.seek(p, Math.max(0, ends.get(p) - LATEST)));
            Instant deadline = Instant.now().plusSeconds(3);
            while (!partitions.isEmpty() && Instant.now().isBefore(deadline)
                    && partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    letters.add(new DeadLetter(header(r, DlqHeaders.REASON), header(r, DlqHeaders.ORIGIN_TOPIC),
                            header(r, DlqHeaders.CONSUMER), Instant.ofEpochMilli(r.timestamp())));
                }
            }
        }
        letters.sort(Comparator.comparing(DeadLetter::at).reversed());
        return letters.size() > LATEST ? letters.subList(0, LATEST) : letters;
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private synchronized Admin admin() {
        if (admin == null) {
            admin = Admin.create(KafkaClients.admin(config.kafka().bootstrap(), "gateway-queues"));
        }
        return admin;
    }

    @PreDestroy
    synchronized void close() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(2));
        }
    }
}
