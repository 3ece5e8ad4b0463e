package ai.stylefarm.domain.messaging;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The settings every service's Kafka clients share, in one place: idempotent producers that wait for every replica
 * and fail fast while the broker is away (the caller retries, the outbox keeps the rows), and consumers that commit
 * by hand, leave within seconds when they die, and never take running work away from the others when one joins.
 */
public final class KafkaClients {
    private KafkaClients() {
    }

    /** String keys (job and task ids), JSON bytes. */
    public static Map<String, Object> producer(String bootstrap, String clientId) {
        Map<String, Object> p = rawProducer(bootstrap, clientId);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return p;
    }

    /** Byte keys and values: dead letters keep a message's original bytes, worker events their own. */
    public static Map<String, Object> rawProducer(String bootstrap, String clientId) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // Fail a send within seconds while the broker is down, so that what it carried is retried, not held.
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }

    /**
     * Byte keys and values, waiting out a broker restart (Kafka's own limits: up to two minutes a send): a worker's
     * events, where a send that gives up costs the whole task it reports.
     */
    public static Map<String, Object> patientProducer(String bootstrap, String clientId) {
        Map<String, Object> p = rawProducer(bootstrap, clientId);
        p.remove(ProducerConfig.MAX_BLOCK_MS_CONFIG);
        p.remove(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG);
        p.remove(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG);
        p.remove(ProducerConfig.LINGER_MS_CONFIG);
        return p;
    }

    /** A member of {@code group} that commits by hand, from the earliest offset the group has not committed. */
    public static Map<String, Object> consumer(String bootstrap, String group, String clientId, int maxPollRecords) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // Messages published before the group first existed must still be handled.
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
        // A member that dies without leaving (SIGKILL, a lost host) holds its partitions until this passes.
        c.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
        c.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 2_000);
        // A member joining must not take running work away from the others (eager assignors revoke everything).
        c.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return c;
    }

    public static Map<String, Object> admin(String bootstrap, String clientId) {
        Map<String, Object> a = new HashMap<>();
        a.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        a.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
        a.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        a.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
        return a;
    }
}
