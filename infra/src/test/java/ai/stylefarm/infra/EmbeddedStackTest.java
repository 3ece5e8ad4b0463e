package ai.stylefarm.infra;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.GetPresignedObjectUrlArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.StatObjectArgs;
import io.minio.http.Method;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/** One real stack for the whole class (starting one costs seconds); the last test closes it. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EmbeddedStackTest {

    @TempDir
    static Path dataDir;

    static EmbeddedStack stack;

    @BeforeAll
    static void startStack() {
        stack = EmbeddedStack.start(dataDir);
    }

    @AfterAll
    static void closeStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void writesItsEndpointsToStackJsonForOtherProcesses() {
        StackEndpoints endpoints = stack.endpoints();
        assertEquals(endpoints, StackEndpoints.read(dataDir).orElseThrow());
        assertEquals(endpoints, StackEndpoints.readIfRunning(dataDir).orElseThrow());
        assertEquals(ProcessHandle.current().pid(), StackEndpoints.owner(dataDir).orElseThrow().pid());
        assertTrue(endpoints.kafkaBootstrapServers().startsWith("127.0.0.1:"));
        assertTrue(endpoints.jdbcUrl().startsWith("jdbc:postgresql://127.0.0.1:"));
        assertTrue(endpoints.jdbcUrl().endsWith("/stylefarm"));
        assertTrue(endpoints.s3Endpoint().startsWith("http://127.0.0.1:"));
    }

    @Test
    @Order(2)
    void refusesASecondStackOnTheSameDataDirectoryWhileTheFirstRuns() throws Exception {
        Path json = dataDir.resolve(StackEndpoints.FILE_NAME);
        String original = Files.readString(json);
        // Make stack.json name another live process that started before the file was written, as a stack
        // in another JVM would be: our parent (surefire's launcher) stands in.
        long otherPid = ProcessHandle.current().parent().orElseThrow().pid();
        Files.writeString(json, original.replaceFirst("\"pid\" : \\d+", "\"pid\" : " + otherPid));
        try {
            IllegalStateException thrown = assertThrows(IllegalStateException.class,
                    () -> EmbeddedStack.start(dataDir));
            assertTrue(thrown.getMessage().contains("already runs"), thrown.getMessage());
        } finally {
            Files.writeString(json, original);
        }
        assertTrue(stack.kafka().isRunning());
        assertTrue(stack.postgres().isRunning());
    }

    @Test
    @Order(3)
    void refusesASecondBrokerOnADataDirectoryInUse() {
        KafkaBroker second = new KafkaBroker(stack.kafka().directory(), 0, 0);
        IllegalStateException thrown = assertThrows(IllegalStateException.class, second::start);
        assertTrue(thrown.getMessage().contains("in use"), thrown.getMessage());
        assertTrue(stack.kafka().isRunning());
    }

    @Test
    @Order(10)
    void kafkaCarriesARecordFromProducerToConsumerGroup() {
        String topic = "roundtrip";
        stack.kafka().createTopics(Map.of(topic, 3));
        send(topic, "job-1", "hello");
        assertEquals(List.of("job-1=hello"), consumeAll(topic, 1));
    }

    @Test
    @Order(11)
    void createTopicsLeavesExistingTopicsAlone() {
        stack.kafka().createTopics(Map.of("twice", 2));
        stack.kafka().createTopics(Map.of("twice", 2, "once", 1));
    }

    @Test
    @Order(20)
    void postgresRunsSqlInTheStylefarmDatabaseAsTheStylefarmRole() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT current_database(), current_user, version()")) {
                assertTrue(rs.next());
                assertEquals("stylefarm", rs.getString(1));
                assertEquals("stylefarm", rs.getString(2));
                assertTrue(rs.getString(3).startsWith("PostgreSQL 18"), rs.getString(3));
            }
            s.execute("CREATE TABLE jobs (id text PRIMARY KEY, spec jsonb NOT NULL)");
            s.execute("INSERT INTO jobs VALUES ('j1', '{\"kind\": \"generate\"}')");
            assertEquals("generate", queryString(s, "SELECT spec->>'kind' FROM jobs WHERE id = 'j1'"));
        }
    }

    @Test
    @Order(21)
    void anExternalPostgresIsCheckedAndUsedButNeverStoppedOrRestarted() throws SQLException {
        PostgresServer embedded = stack.postgres();
        PostgresServer external = PostgresServer.external(embedded.jdbcUrl(), embedded.user(), embedded.password());

        external.start();
        try (Connection c = external.connect(); Statement s = c.createStatement()) {
            assertEquals("stylefarm", queryString(s, "SELECT current_database()"));
        }
        external.stop();
        assertThrows(IllegalStateException.class, external::restart);

        assertTrue(external.isExternal());
        assertTrue(embedded.pid().isPresent(), "stopping the external server must not touch the real one");
        assertThrows(IllegalStateException.class,
                () -> PostgresServer.external("jdbc:postgresql://127.0.0.1:1/nothing", "x", "y").start());
    }

    @Test
    @Order(30)
    void s3StoresAnObjectAndServesItThroughAPresignedUrl() throws Exception {
        MinioClient s3 = minio();
        String bucket = stack.s3().bucket();
        byte[] png = "not really a png".getBytes(StandardCharsets.UTF_8);
        assertTrue(s3.bucketExists(BucketExistsArgs.builder().bucket(bucket).build()));

        s3.putObject(PutObjectArgs.builder().bucket(bucket).object("jobs/j1/images/0.png")
                .stream(new ByteArrayInputStream(png), png.length, -1).contentType("image/png").build());

        assertEquals(png.length, s3.statObject(StatObjectArgs.builder().bucket(bucket)
                .object("jobs/j1/images/0.png").build()).size());
        try (InputStream in = s3.getObject(GetObjectArgs.builder().bucket(bucket)
                .object("jobs/j1/images/0.png").build())) {
            assertArrayEquals(png, in.readAllBytes());
        }
        String url = s3.getPresignedObjectUrl(GetPresignedObjectUrlArgs.builder().method(Method.GET)
                .bucket(bucket).object("jobs/j1/images/0.png").expiry(5, TimeUnit.MINUTES).build());
        HttpResponse<byte[]> download = get(url);
        assertEquals(200, download.statusCode());
        assertArrayEquals(png, download.body());
    }

    @Test
    @Order(31)
    void s3RejectsUnsignedAndTamperedRequests() throws Exception {
        String object = stack.s3().endpoint() + "/" + stack.s3().bucket() + "/jobs/j1/images/0.png";
        assertEquals(403, get(object).statusCode());
        String url = minio().getPresignedObjectUrl(GetPresignedObjectUrlArgs.builder().method(Method.GET)
                .bucket(stack.s3().bucket()).object("jobs/j1/images/0.png").expiry(5, TimeUnit.MINUTES).build());
        String tampered = url.replace("jobs/j1/images/0.png", "jobs/j2/images/0.png");
        assertEquals(403, get(tampered).statusCode());
    }

    @Test
    @Order(40)
    void kafkaKeepsRecordsAcrossAGracefulStopAndStart() {
        String topic = "survives-stop";
        stack.kafka().createTopics(Map.of(topic, 1));
        send(topic, "k", "before-stop");
        String bootstrap = stack.kafka().bootstrapServers();

        stack.kafka().stop();
        assertFalse(stack.kafka().isRunning());
        assertFalse(accepts(stack.kafka().port()));
        stack.kafka().start();

        assertEquals(bootstrap, stack.kafka().bootstrapServers());
        send(topic, "k", "after-start");
        assertEquals(List.of("k=before-stop", "k=after-start"), consumeAll(topic, 2));
    }

    @Test
    @Order(41)
    void kafkaRecoversAcknowledgedRecordsAfterBeingKilled() {
        String topic = "survives-kill";
        stack.kafka().createTopics(Map.of(topic, 1));
        send(topic, "k", "acknowledged");
        long pid = stack.kafka().pid().orElseThrow();

        stack.kafka().kill();
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        stack.kafka().start();

        assertEquals(List.of("k=acknowledged"), consumeAll(topic, 1));
    }

    @Test
    @Order(50)
    void postgresKeepsCommittedRowsAcrossARestart() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE restarts (n int)");
            s.execute("INSERT INTO restarts VALUES (1)");
        }
        String url = stack.postgres().jdbcUrl();

        stack.postgres().restart();

        assertEquals(url, stack.postgres().jdbcUrl());
        try (Connection c = connect(); Statement s = c.createStatement()) {
            assertEquals("1", queryString(s, "SELECT string_agg(n::text, ',') FROM restarts"));
        }
    }

    @Test
    @Order(51)
    void postgresRecoversCommittedRowsAfterBeingKilled() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE crashes (n int)");
            s.execute("INSERT INTO crashes VALUES (1)");
        }
        long pid = stack.postgres().pid().orElseThrow();

        stack.postgres().kill();
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        assertFalse(accepts(stack.postgres().port()));
        stack.postgres().start();

        try (Connection c = connect(); Statement s = c.createStatement()) {
            assertEquals("1", queryString(s, "SELECT string_agg(n::text, ',') FROM crashes"));
        }
    }

    @Test
    @Order(60)
    void s3KeepsObjectsAcrossARestart() throws Exception {
        stack.s3().restart();
        try (InputStream in = minio().getObject(GetObjectArgs.builder().bucket(stack.s3().bucket())
                .object("jobs/j1/images/0.png").build())) {
            assertEquals("not really a png", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    @Order(100)
    void closeStopsEveryProcessFreesThePortsAndRemovesStackJson() {
        long kafkaPid = stack.kafka().pid().orElseThrow();
        long postgresPid = stack.postgres().pid().orElseThrow();
        List<Integer> ports = List.of(stack.kafka().port(), stack.kafka().controllerPort(),
                stack.postgres().port(), stack.s3().port());

        stack.close();

        assertFalse(ProcessHandle.of(kafkaPid).map(ProcessHandle::isAlive).orElse(false), "Kafka still runs");
        assertFalse(ProcessHandle.of(postgresPid).map(ProcessHandle::isAlive).orElse(false), "PostgreSQL still runs");
        assertEquals(List.of(), ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .map(h -> h.pid() + " " + h.info().commandLine().orElse("?")).toList());
        for (int port : ports) {
            assertFalse(accepts(port), "port " + port + " still accepts connections");
        }
        assertFalse(Files.exists(dataDir.resolve(StackEndpoints.FILE_NAME)));
    }

    // --- helpers ---

    private static void send(String topic, String key, String value) {
        Properties config = stack.kafka().clientProperties();
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
            producer.send(new ProducerRecord<>(topic, key, value)).get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("could not send to " + topic, e);
        }
    }

    /** Every record of the topic, read by a new consumer group from the beginning. */
    private static List<String> consumeAll(String topic, int expected) {
        Properties config = stack.kafka().clientProperties();
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<String> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    records.add(r.key() + "=" + r.value());
                }
                return records.size() >= expected;
            });
        }
        return records;
    }

    private static Connection connect() throws SQLException {
        StackEndpoints e = stack.endpoints();
        return DriverManager.getConnection(e.jdbcUrl(), e.jdbcUser(), e.jdbcPassword());
    }

    private static String queryString(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            assertTrue(rs.next());
            return rs.getString(1);
        }
    }

    private static MinioClient minio() {
        StackEndpoints e = stack.endpoints();
        return MinioClient.builder().endpoint(e.s3Endpoint()).credentials(e.s3AccessKey(), e.s3SecretKey()).build();
    }

    private static HttpResponse<byte[]> get(String url) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
