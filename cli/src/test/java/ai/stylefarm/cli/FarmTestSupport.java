package ai.stylefarm.cli;

import ai.stylefarm.cli.client.GatewayClient;
import ai.stylefarm.cli.local.LocalFarm;
import ai.stylefarm.infra.StackEndpoints;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Direct access to a test farm's PostgreSQL and Kafka, for checks that go behind the API. */
final class FarmTestSupport {
    private FarmTestSupport() {
    }

    static Connection db(LocalFarm farm) throws SQLException {
        StackEndpoints e = farm.endpoints();
        return DriverManager.getConnection(e.jdbcUrl(), e.jdbcUser(), e.jdbcPassword());
    }

    /** The first column of every row, as text. */
    static List<String> column(LocalFarm farm, String sql, Object... args) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Connection c = db(farm); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    values.add(r.getString(1));
                }
            }
        }
        return values;
    }

    static long count(LocalFarm farm, String sql, Object... args) throws SQLException {
        return Long.parseLong(column(farm, sql, args).get(0));
    }

    /** The tenants acme and globex, each with a user key, as their clients. */
    record Tenants(GatewayClient acme, GatewayClient globex) {
        static Tenants create(GatewayClient admin) {
            admin.createTenant("acme");
            admin.createTenant("globex");
            return new Tenants(admin.withKey(admin.createKey("acme", "user")),
                    admin.withKey(admin.createKey("globex", "user")));
        }
    }

    static KafkaProducer<byte[], byte[]> producer(LocalFarm farm) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, farm.endpoints().kafkaBootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()));
    }

    /** A consumer in a group of its own, reading from the beginning. */
    static KafkaConsumer<byte[], byte[]> consumer(LocalFarm farm) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, farm.endpoints().kafkaBootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName()));
    }

    static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    static GatewayClient.Raw postJob(GatewayClient client, String body) {
        return client.raw("POST", "/v1/jobs", "application/json", body.getBytes(StandardCharsets.UTF_8), b -> { });
    }

    /** An RFC 9457 problem with this status, a detail, and (unless null) the field it names. */
    static void assertProblem(GatewayClient.Raw response, int status, String field) {
        org.junit.jupiter.api.Assertions.assertEquals(status, response.status(), response.body());
        org.junit.jupiter.api.Assertions.assertTrue(response.contentType().startsWith("application/problem+json"),
                response.contentType());
        JsonNode problem = response.json();
        org.junit.jupiter.api.Assertions.assertEquals(status, problem.path("status").asInt());
        org.junit.jupiter.api.Assertions.assertFalse(problem.path("detail").asText().isBlank(), response.body());
        if (field != null) {
            org.junit.jupiter.api.Assertions.assertEquals(field, problem.path("field").asText(), response.body());
        }
    }
}
