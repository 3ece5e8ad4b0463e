package ai.stylefarm.cli;

import ai.stylefarm.cli.client.GatewayClient;
import ai.stylefarm.cli.local.LocalFarm;
import ai.stylefarm.infra.StackEndpoints;
import com.fasterxml.jackson.databind.JsonNode;
import io.minio.MinioClient;
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

    /**
     * A test farm's settings: the test's own, over ones that let housekeeping (deleting, sweeping leftovers) run
     * within a test's patience.
     */
    static Map<String, String> settings(Map<String, String> own) {
        Map<String, String> all = new java.util.HashMap<>(Map.of(
                "scheduler.deletion-grace", "PT1S",
                "scheduler.housekeeping-interval", "PT1S"));
        all.putAll(own);
        return all;
    }

    /**
     * The check every farm test class ends with: each job it made, of every tenant, is intact ({@link Verifier}:
     * every stored output equals its record and the manifest). Jobs still live are cancelled first; a failed or
     * cancelled job is given the time housekeeping needs to remove what its unfinished tasks left. The farm is
     * closed whatever the outcome.
     */
    static void verifyEveryJobAndClose(LocalFarm farm) {
        if (farm == null) {
            return;
        }
        try {
            GatewayClient admin = new GatewayClient(farm.gatewayUrl(), farm.adminKey());
            List<JsonNode> jobs = admin.allJobs();
            for (JsonNode job : jobs) {
                if (List.of("QUEUED", "PLANNED", "RUNNING").contains(job.path("state").asText())) {
                    admin.cancel(UUID.fromString(job.path("id").asText()));
                }
            }
            for (JsonNode job : jobs) {
                UUID id = UUID.fromString(job.path("id").asText());
                java.util.concurrent.atomic.AtomicReference<Verifier.Report> last = new java.util.concurrent.atomic.AtomicReference<>();
                try {
                    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(90))
                            .pollInterval(java.time.Duration.ofMillis(500)).until(() -> {
                                last.set(Verifier.verify(admin, id));
                                return last.get().intact() && !List.of("QUEUED", "PLANNED", "RUNNING")
                                        .contains(last.get().state());
                            });
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    org.junit.jupiter.api.Assertions.fail("job " + id + " (" + job.path("kind").asText() + ", "
                            + (last.get() == null ? "?" : last.get().state()) + ") is not intact: "
                            + (last.get() == null ? "never verified" : String.join("\n  ", last.get().problems())));
                }
            }
        } finally {
            farm.close();
        }
    }

    /** Downloads a job's outputs and fails on any file whose checksum does not match its record. */
    static Downloader.Result downloadIntact(GatewayClient client, UUID job, java.nio.file.Path dir) {
        Downloader.Result result = Downloader.download(client, job, dir, false);
        org.junit.jupiter.api.Assertions.assertTrue(result.complete(), "files that differ from their record: " + result);
        return result;
    }

    /** The internal key of the model a tenant (or every tenant) calls {@code slug}. */
    static String modelKey(LocalFarm farm, String slug) throws SQLException {
        return column(farm, "SELECT id FROM models WHERE slug = ? AND deleted_at IS NULL ORDER BY tenant_id NULLS FIRST",
                slug).get(0);
    }

    /** Records an object a test stored behind the API's back, as the farm records every object it stores. */
    static void recordArtifact(LocalFarm farm, UUID job, String key, String kind, java.nio.file.Path file)
            throws SQLException {
        try (Connection c = db(farm); PreparedStatement s = c.prepareStatement("INSERT INTO artifacts (job_id, key, kind,"
                + " bytes, sha256) VALUES (?, ?, ?, ?, ?)")) {
            s.setObject(1, job);
            s.setString(2, key);
            s.setString(3, kind);
            s.setLong(4, file.toFile().length());
            s.setString(5, ai.stylefarm.modelkit.io.Hashing.sha256(file));
            s.executeUpdate();
        }
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

    /** Removes every object of model {@code slug}'s bundle from the bucket, and returns them to put back. */
    static Map<String, byte[]> takeModelObjects(LocalFarm farm, String slug) throws Exception {
        String key = column(farm, "SELECT id FROM models WHERE slug = ?", slug).get(0);
        MinioClient s3 = s3(farm);
        Map<String, byte[]> taken = new java.util.LinkedHashMap<>();
        for (var item : s3.listObjects(io.minio.ListObjectsArgs.builder().bucket(farm.endpoints().s3Bucket())
                .prefix("models/" + key + "/").recursive(true).build())) {
            String name = item.get().objectName();
            try (var in = s3.getObject(io.minio.GetObjectArgs.builder().bucket(farm.endpoints().s3Bucket())
                    .object(name).build())) {
                taken.put(name, in.readAllBytes());
            }
            s3.removeObject(io.minio.RemoveObjectArgs.builder().bucket(farm.endpoints().s3Bucket()).object(name)
                    .build());
        }
        if (taken.isEmpty()) {
            throw new IllegalStateException("model " + slug + " has no objects to take");
        }
        return taken;
    }

    /** Puts objects back, as {@link #takeModelObjects} returned them. */
    static void putObjects(LocalFarm farm, Map<String, byte[]> objects) throws Exception {
        MinioClient s3 = s3(farm);
        for (Map.Entry<String, byte[]> o : objects.entrySet()) {
            s3.putObject(io.minio.PutObjectArgs.builder().bucket(farm.endpoints().s3Bucket()).object(o.getKey())
                    .stream(new java.io.ByteArrayInputStream(o.getValue()), o.getValue().length, -1).build());
        }
    }

    private static MinioClient s3(LocalFarm farm) {
        StackEndpoints e = farm.endpoints();
        return MinioClient.builder().endpoint(e.s3Endpoint()).credentials(e.s3AccessKey(), e.s3SecretKey()).build();
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
