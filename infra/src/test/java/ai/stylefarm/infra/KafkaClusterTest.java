package ai.stylefarm.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three KRaft nodes: writes at acks=all go on while one node is dead, and nothing committed is lost. */
class KafkaClusterTest {
    @TempDir
    Path dir;

    @Test
    void writesGoOnThroughTheLossOfOneNodeAndEveryCommittedMessageIsRead() throws Exception {
        try (KafkaCluster cluster = new KafkaCluster(dir, 3)) {
            long t0 = System.nanoTime();
            cluster.start();
            System.out.printf("three nodes up in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            cluster.createTopics(Map.of("events", 3));
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                    ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                    ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000,
                    // As the services set it: a request to a dead leader is given up in seconds, not 30.
                    ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()))) {
                send(producer, 0, 100);
                cluster.nodes().get(0).kill();
                long killed = System.nanoTime();
                send(producer, 100, 200);
                System.out.printf("100 messages acknowledged %d ms after a node was killed%n",
                        (System.nanoTime() - killed) / 1_000_000);
            }
            Set<String> read = new HashSet<>();
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                    ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                    ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName()))) {
                List<TopicPartition> partitions = List.of(new TopicPartition("events", 0),
                        new TopicPartition("events", 1), new TopicPartition("events", 2));
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                while (read.size() < 200 && System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                        read.add(r.value());
                    }
                }
            }
            assertEquals(200, read.size(), "every acknowledged message, with one of three nodes down");
        }
    }

    private static void send(KafkaProducer<String, String> producer, int from, int to) throws Exception {
        List<Future<RecordMetadata>> sends = new ArrayList<>();
        for (int i = from; i < to; i++) {
            sends.add(producer.send(new ProducerRecord<>("events", "k" + i, "m" + i)));
        }
        for (Future<RecordMetadata> send : sends) {
            send.get(90, TimeUnit.SECONDS);
        }
    }
}
