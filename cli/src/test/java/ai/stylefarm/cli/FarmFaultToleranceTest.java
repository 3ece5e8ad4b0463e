package ai.stylefarm.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stylefarm.cli.client.GatewayClient;
import ai.stylefarm.cli.local.LocalFarm;
import ai.stylefarm.cli.local.LocalFarmConfig;
import ai.stylefarm.infra.StackConfig;
import ai.stylefarm.modelkit.io.Hashing;
import ai.stylefarm.schemas.DlqHeaders;
import ai.stylefarm.schemas.JobState;
import ai.stylefarm.schemas.Topics;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every fault the farm must survive, on the real stack with two workers: each accepted job still ends SUCCEEDED
 * with a manifest that lists every seed exactly once, and every image decodes to the bytes the manifest names.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FarmFaultToleranceTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(4);
    private static final String MODEL = "small";

    @TempDir
    static Path tmp;

    static LocalFarm farm;
    static LocalFarmConfig config;
    static GatewayClient admin;

    @BeforeAll
    static void startFarmWithTwoWorkers() {
        config = new LocalFarmConfig(LocalFarmConfig.findHome(), StackConfig.defaults(tmp.resolve("farm")),
                0, 0, 2, FarmTestSupport.settings(Map.of(
                        "worker.heartbeat.seconds", "1",
                        "scheduler.seeds-per-task", "32",
                        "scheduler.running-lease", "PT5S",
                        "scheduler.retry-backoff", "PT0.5S")));
        farm = LocalFarm.start(config, "sfk_faults-" + UUID.randomUUID());
        admin = new GatewayClient(farm.gatewayUrl(), farm.adminKey());
        admin.registerRandomModel(MODEL, "small64", 1);
    }

    @AfterAll
    static void stopFarm() {
        FarmTestSupport.verifyEveryJobAndClose(farm);
    }

    @Test
    @Order(1)
    void poisonMessagesOnEveryTopicAreDeadLetteredWhileJobsComplete() throws Exception {
        Map<String, byte[]> poison = Map.of(
                Topics.JOBS, "{\"schema\":\"stylefarm.job.v2\",\"job_id\":42}".getBytes(StandardCharsets.UTF_8),
                Topics.TASKS, new byte[] {(byte) 0xff, 0, 1, 2},
                Topics.TASK_EVENTS, "not json at all".getBytes(StandardCharsets.UTF_8));
        try (KafkaProducer<byte[], byte[]> producer = FarmTestSupport.producer(farm)) {
            for (Map.Entry<String, byte[]> p : poison.entrySet()) {
                producer.send(new ProducerRecord<>(p.getKey(), p.getValue())).get();
            }
        }
        UUID job = submit("0-127");
        assertCompletesExactlyOnce(job, 128);

        Set<String> deadLetteredFrom = new HashSet<>();
        try (KafkaConsumer<byte[], byte[]> dlq = FarmTestSupport.consumer(farm)) {
            dlq.subscribe(List.of(Topics.DLQ));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<byte[], byte[]> r : dlq.poll(Duration.ofMillis(500))) {
                    String origin = FarmTestSupport.header(r, DlqHeaders.ORIGIN_TOPIC);
                    if (poison.containsKey(origin) && java.util.Arrays.equals(poison.get(origin), r.value())) {
                        assertNotNull(FarmTestSupport.header(r, DlqHeaders.REASON));
                        deadLetteredFrom.add(origin);
                    }
                }
                return deadLetteredFrom.size() == poison.size();
            });
        }
    }

    @Test
    @Order(2)
    void aWorkerThatCannotLoadAModelFailsTheTaskWithTheReasonAndAnotherWorkerDoesIt() throws Exception {
        JsonNode other = admin.registerRandomModel("other", "tiny32", 3);
        // A broken cache entry on worker-1's disk, for this model only: a file where its bundle directory goes.
        Path cache = farm.stack().dataDir().resolve("worker-cache").resolve("worker-1").resolve("models");
        Files.createDirectories(cache);
        Files.writeString(cache.resolve(other.path("bundle_sha256").asText()), "not a bundle");

        UUID job = UUID.fromString(admin.generate("other", JsonNodeFactory.instance.objectNode().put("seeds", "0-639"))
                .path("id").asText());
        assertCompletesExactlyOnce(job, 640, 32);
        List<String> retries = eventDetails(job, "TASK_RETRY");
        assertTrue(!retries.isEmpty(), "no task landed on worker-1; the fault was not exercised");
        assertTrue(retries.stream().allMatch(r -> r.contains("model other")), retries.toString());

        // Not blocklisted: worker-1 still renders the other model.
        UUID next = submit("5000-5639");
        assertCompletesExactlyOnce(next, 640);
        assertTrue(workersOf(next).contains("local-worker-1"), workersOf(next).toString());
    }

    @Test
    @Order(3)
    void aWorkerKilledWithSigkillMidTaskTwiceInOneJobLosesNothing() throws Exception {
        UUID job = submit("10000-11279");
        for (int kill = 0; kill < 2; kill++) {
            await().atMost(JOB_TIMEOUT).pollInterval(Duration.ofMillis(20)).until(() -> runningOn(job, "local-worker-0"));
            farm.workers().get(0).kill();
            farm.workers().get(0).start();
            farm.awaitWorkersJoined(2);
        }
        assertCompletesExactlyOnce(job, 1280);
        assertTrue(!eventDetails(job, "LEASE_EXPIRED").isEmpty(), "no lease expired: the kills hit no task");
    }

    @Test
    @Order(4)
    void theSchedulerKilledAndRestartedMidJobLosesNothing() throws Exception {
        UUID job = submit("20000-21279");
        await().atMost(JOB_TIMEOUT).until(() -> admin.job(job).path("items").path("done").asLong() > 100);
        farm.scheduler().kill();
        Thread.sleep(2000);
        farm.scheduler().start();
        farm.scheduler().awaitHealthy(Duration.ofMinutes(1));
        assertCompletesExactlyOnce(job, 1280);
    }

    @Test
    @Order(5)
    void theBrokerStoppedAndRestartedMidJobLosesNothing() throws Exception {
        UUID job = submit("30000-31279");
        await().atMost(JOB_TIMEOUT).until(() -> admin.job(job).path("items").path("done").asLong() > 100);
        farm.stack().kafka().stop();
        Thread.sleep(3000);
        farm.stack().kafka().start();
        assertCompletesExactlyOnce(job, 1280);
    }

    @Test
    @Order(6)
    void postgresRestartedMidJobLosesNothing() throws Exception {
        UUID job = submit("40000-41279");
        await().atMost(JOB_TIMEOUT).until(() -> admin.job(job).path("items").path("done").asLong() > 100);
        farm.stack().postgres().restart();
        assertCompletesExactlyOnce(job, 1280);
    }

    @Test
    @Order(7)
    void everyPartKilledWithSigkillComesBackWithFarmRestart() throws Exception {
        String dataDir = System.getProperty("stylefarm.data.dir");
        System.setProperty("stylefarm.data.dir", config.dataDir().toString());
        try (var control = Supervisor.publish(farm, config)) {
            farm.scheduler().kill();
            farm.workers().get(1).kill();
            farm.stack().kafka().kill();
            farm.stack().postgres().kill();
            farm.stack().s3().stop();
            assertEquals(0, Farm.commandLine().execute("restart", "postgres"));
            assertEquals(0, Farm.commandLine().execute("restart", "kafka"));
            assertEquals(0, Farm.commandLine().execute("restart", "s3"));
            assertEquals(0, Farm.commandLine().execute("restart", "scheduler"));
            assertEquals(0, Farm.commandLine().execute("restart", "worker", "1"));
            farm.gateway().kill();
            assertEquals(0, Farm.commandLine().execute("restart", "gateway"));
            assertEquals(2, Farm.commandLine().execute("restart", "worker", "7"), "no such worker");
            assertEquals(2, Farm.commandLine().execute("restart", "database"), "no such part");

            // ./farm up on a running farm adds workers, or stops the newest, without touching the others.
            assertEquals(0, Farm.commandLine().execute("up", "--workers", "3"));
            assertEquals(3, farm.workers().size());
            assertEquals(2, Farm.commandLine().execute("up", "--workers", "99"), "more workers than partitions");
            UUID job = submit("50000-50639");
            assertCompletesExactlyOnce(job, 640);
            assertEquals(0, Farm.commandLine().execute("up", "--workers", "2"));
            assertEquals(2, farm.workers().size());
        } finally {
            if (dataDir == null) {
                System.clearProperty("stylefarm.data.dir");
            } else {
                System.setProperty("stylefarm.data.dir", dataDir);
            }
        }
    }

    private static UUID submit(String seeds) {
        return UUID.fromString(admin.generate(MODEL, JsonNodeFactory.instance.objectNode().put("seeds", seeds))
                .path("id").asText());
    }

    /** SUCCEEDED, one manifest line per seed, every image present, decodable and with the manifest's sha256. */
    private static void assertCompletesExactlyOnce(UUID id, int seeds) throws Exception {
        assertCompletesExactlyOnce(id, seeds, 64);
    }

    private static void assertCompletesExactlyOnce(UUID id, int seeds, int resolution) throws Exception {
        JsonNode job = await().atMost(JOB_TIMEOUT).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .until(() -> admin.job(id), j -> JobState.valueOf(j.path("state").asText()).isTerminal());
        assertEquals("SUCCEEDED", job.path("state").asText(), job.toString());
        Path bucket = farm.stack().dataDir().resolve("s3").resolve(farm.endpoints().s3Bucket());
        List<String> lines = Files.readAllLines(bucket.resolve("jobs/" + id + "/manifest.jsonl"));
        assertEquals(seeds, lines.size());
        Set<Long> seen = new HashSet<>();
        for (String line : lines) {
            JsonNode entry = JSON.readTree(line);
            assertTrue(seen.add(entry.path("seed").asLong()), "listed twice: " + line);
            Path image = bucket.resolve(entry.path("key").asText());
            assertEquals(entry.path("sha256").asText(), Hashing.sha256(image), line);
            BufferedImage decoded = ImageIO.read(image.toFile());
            assertNotNull(decoded, image + " does not decode");
            assertEquals(resolution, decoded.getWidth());
        }
    }

    private static boolean runningOn(UUID job, String worker) throws Exception {
        return FarmTestSupport.count(farm, "SELECT count(*) FROM tasks WHERE job_id = ? AND state = 'RUNNING'"
                + " AND worker_id = ?", job, worker) > 0;
    }

    private static Set<String> workersOf(UUID job) throws Exception {
        return new HashSet<>(FarmTestSupport.column(farm,
                "SELECT DISTINCT actor FROM job_events WHERE job_id = ? AND type = 'TASK_STARTED'", job));
    }

    private static List<String> eventDetails(UUID job, String type) throws Exception {
        return FarmTestSupport.column(farm, "SELECT detail::text FROM job_events WHERE job_id = ? AND type = ? ORDER BY id",
                job, type);
    }



}
