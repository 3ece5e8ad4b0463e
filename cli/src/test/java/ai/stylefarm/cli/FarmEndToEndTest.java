package ai.stylefarm.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stylefarm.cli.client.GatewayClient;
import ai.stylefarm.cli.local.LocalFarm;
import ai.stylefarm.cli.local.LocalFarmConfig;
import ai.stylefarm.infra.StackConfig;
import ai.stylefarm.modelkit.ModelKit;
import ai.stylefarm.modelkit.bundle.ModelBundle;
import ai.stylefarm.schemas.DlqHeaders;
import ai.stylefarm.schemas.JobState;
import ai.stylefarm.schemas.TaskState;
import ai.stylefarm.schemas.Topics;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * The whole farm, for real: embedded Kafka, PostgreSQL and S3, the gateway and scheduler from their packaged
 * Quarkus apps, and a worker JVM, all started by the same launcher as {@code ./farm up}. Jobs go in over REST.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FarmEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MODEL = "tiny";
    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(3);

    @TempDir
    static Path tmp;

    static LocalFarm farm;
    static GatewayClient admin;
    static GatewayClient acme;
    static GatewayClient globex;

    @BeforeAll
    static void startFarm() {
        LocalFarmConfig config = new LocalFarmConfig(LocalFarmConfig.findHome(),
                StackConfig.defaults(tmp.resolve("farm")), 0, 0, 1, FarmTestSupport.settings(Map.of(
                        "worker.heartbeat.seconds", "2",
                        "scheduler.seeds-per-task", "32",
                        "scheduler.running-lease", "PT20S",
                        "api.max-upload-bytes", "300000")));
        String adminKey = "sfk_test-admin-key-" + UUID.randomUUID();
        farm = LocalFarm.start(config, adminKey);
        admin = new GatewayClient(farm.gatewayUrl(), adminKey);
        admin.registerRandomModel(MODEL, "tiny32", 7, true);
        FarmTestSupport.Tenants tenants = FarmTestSupport.Tenants.create(admin);
        acme = tenants.acme();
        globex = tenants.globex();
    }

    @AfterAll
    static void stopFarm() {
        FarmTestSupport.verifyEveryJobAndClose(farm);
    }

    @Test
    @Order(1)
    void twoHundredSeedJobSucceedsWithAManifestAndTheSameBytesAsFarmRender() throws Exception {
        UUID id = submit(acme, "0-199");
        JsonNode job = awaitEnd(acme, id);
        assertEquals("SUCCEEDED", job.path("state").asText(), job.toString());
        assertEquals(200, job.path("items").path("done").asLong());

        Path out = tmp.resolve("job-" + id);
        Downloader.Result first = Downloader.download(acme, id, out, false);
        assertEquals(200 + 2, first.fetched()); // images, manifest, dataset card
        assertTrue(first.complete(), first.toString());
        // Interrupted and damaged downloads resume: only missing or wrong files are fetched again.
        Files.delete(out.resolve("images/seed00000003.png"));
        Files.write(out.resolve("images/seed00000007.png"), new byte[] {1, 2, 3});
        Downloader.Result resumed = Downloader.download(acme, id, out, false);
        assertTrue(resumed.complete(), resumed.toString());
        assertEquals(2, resumed.fetched());
        assertEquals(200, resumed.kept());
        List<String> lines = Files.readAllLines(out.resolve("manifest.jsonl"));
        assertEquals(200, lines.size());
        Set<Long> seeds = new HashSet<>();
        for (String line : lines) {
            JsonNode entry = JSON.readTree(line);
            assertTrue(seeds.add(entry.path("seed").asLong()), "seed listed twice: " + line);
            assertEquals(String.format("jobs/%s/images/seed%08d.png", id, entry.path("seed").asLong()),
                    entry.path("key").asText());
            assertEquals(1.0, entry.path("truncation_psi").asDouble());
            assertEquals("const", entry.path("noise_mode").asText());
            assertEquals(64, entry.path("sha256").asText().length());
        }
        assertEquals(200, seeds.size());

        // The farm's model is the kit's seeded init, so the same init here is the same bundle, byte for byte.
        Path bundle = tmp.resolve("bundle");
        ModelBundle local = ModelKit.writeBundle(ModelKit.randomInit("tiny32", 7), MODEL, bundle);
        JsonNode model = acme.models().get(0);
        assertEquals(local.checksum(), model.path("bundle_sha256").asText());
        Path rendered = tmp.resolve("render-" + id);
        assertEquals(0, Farm.commandLine().execute("render", "--bundle", bundle.toString(), "--seeds", "0-199",
                "--out", rendered.toString()));
        for (long seed = 0; seed < 200; seed++) {
            Path fromFarm = out.resolve(String.format("images/seed%08d.png", seed));
            BufferedImage image = ImageIO.read(fromFarm.toFile());
            assertNotNull(image, fromFarm + " does not decode");
            assertEquals(32, image.getWidth());
            assertEquals(32, image.getHeight());
            assertArrayEquals(Files.readAllBytes(rendered.resolve(String.format("seed%04d.png", seed))),
                    Files.readAllBytes(fromFarm), "seed " + seed);
        }
    }

    @Test
    @Order(2)
    void jobAndTaskStatesMoveOnlyAlongAllowedTransitions() throws Exception {
        UUID id = submit(acme, "0-299");
        List<String> seen = new ArrayList<>();
        Map<UUID, List<String>> taskStates = new HashMap<>();
        long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            String state = acme.job(id).path("state").asText();
            if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(state)) {
                seen.add(state);
            }
            for (Map.Entry<UUID, String> task : taskStates(id).entrySet()) {
                List<String> history = taskStates.computeIfAbsent(task.getKey(), k -> new ArrayList<>());
                if (history.isEmpty() || !history.get(history.size() - 1).equals(task.getValue())) {
                    history.add(task.getValue());
                }
            }
            if (JobState.valueOf(state).isTerminal()) {
                break;
            }
            Thread.sleep(20);
        }
        assertEquals("SUCCEEDED", seen.get(seen.size() - 1), seen.toString());
        assertReachable(seen, s -> JobState.valueOf(s).successors().stream().map(Enum::name).toList());
        assertEquals(10, taskStates.size());
        for (List<String> history : taskStates.values()) {
            assertEquals("SUCCEEDED", history.get(history.size() - 1), history.toString());
            assertReachable(history, s -> TaskState.valueOf(s).successors().stream().map(Enum::name).toList());
        }
        // The audit trail agrees with what we saw.
        List<String> events = jobEvents(id);
        assertEquals("SUBMITTED", events.get(0));
        assertEquals("PLANNED", events.get(1));
        assertEquals("SUCCEEDED", events.get(events.size() - 1));
    }

    @Test
    @Order(3)
    void cancellingARunningJobStopsItsTasksWithinSecondsAndEndsCancelled() throws Exception {
        UUID id = submit(acme, "0-99999");
        await().atMost(JOB_TIMEOUT).until(() -> acme.job(id).path("items").path("done").asLong() > 0);
        long requested = System.nanoTime();
        acme.cancel(id);
        await().atMost(Duration.ofSeconds(10)).until(() -> "CANCELLED".equals(acme.job(id).path("state").asText()));
        // Nothing is left running, and the worker stops writing images within a few seconds.
        for (String state : taskStates(id).values()) {
            assertTrue(Set.of("CANCELLED", "SUCCEEDED").contains(state), state);
        }
        await().atMost(Duration.ofSeconds(10)).pollDelay(Duration.ofSeconds(2)).until(() -> {
            long before = imageCount(id);
            Thread.sleep(2000);
            return imageCount(id) == before;
        });
        assertTrue(System.nanoTime() - requested < Duration.ofSeconds(20).toNanos());
        assertEquals(409, acme.raw("POST", "/v1/jobs/" + id + "/cancel", null, null, b -> { }).status());
    }

    @Test
    @Order(4)
    void badInputGetsProblemJsonNamingTheFieldAndStoresNothing() throws Exception {
        UUID acmeJob = submit(acme, "0-3");
        long jobsBefore = count("SELECT count(*) FROM jobs");
        long outboxBefore = count("SELECT count(*) FROM outbox");

        assertProblem(acme.withKey(null).raw("GET", "/v1/jobs", null, null, b -> { }), 401, "Authorization");
        assertProblem(acme.withKey("sfk_not-a-key").raw("GET", "/v1/jobs", null, null, b -> { }), 401, "Authorization");
        assertProblem(globex.raw("GET", "/v1/jobs/" + acmeJob, null, null, b -> { }), 404, null);
        assertProblem(globex.raw("GET", "/v1/jobs/" + acmeJob + "/artifacts", null, null, b -> { }), 404, null);
        assertProblem(globex.raw("POST", "/v1/jobs/" + acmeJob + "/cancel", null, null, b -> { }), 404, null);
        assertProblem(post(acme, "{\"kind\":\"generate\",\"model\":\"nope\",\"spec\":{\"seeds\":\"0-3\"}}"), 422, "model");
        assertProblem(post(acme, "{\"kind\":\"generate\",\"model\":\"tiny\",\"spec\":{\"seeds\":\"5-x\"}}"), 422, "spec.seeds");
        assertProblem(post(acme, "{\"kind\":\"generate\",\"model\":\"tiny\",\"spec\":{\"seeds\":\"-5\"}}"), 422, "spec.seeds");
        assertProblem(post(acme, "{\"kind\":\"generate\",\"model\":\"tiny\",\"spec\":{\"seeds\":\"0-3\",\"truncation_psi\":1e999}}"),
                422, "spec.truncation_psi");
        assertProblem(post(acme, "{\"kind\":\"generate\",\"model\":\"tiny\",\"spec\":{\"seeds\":\"0-3\",\"truncation_psi\":\"x\"}}"),
                422, "spec.truncation_psi");
        assertProblem(post(acme, "{\"kind\":\"generate\",\"model\":\"tiny\",\"spec\":{\"seeds\":\"0-3\",\"class_idx\":3}}"),
                422, "spec.class_idx");
        assertProblem(post(acme, "{\"kind\":\"paint\",\"model\":\"tiny\",\"spec\":{\"seeds\":\"0-3\"}}"), 422, "kind");
        assertProblem(post(acme, "{\"kind\":\"generate\",\"model\":\"tiny\",\"spec\":{\"seeds\":\"0\",\"shard_size\":10}}"),
                422, "spec.shard_size");
        assertProblem(post(acme, "{\"kind\":\"generate\",\"model\":\"tiny\",\"spec\":{\"seeds\":\"0-3\""), 400, "body");
        assertProblem(post(acme, "[1, 2]"), 400, "body");
        assertProblem(post(acme, "{\"kind\":\"generate\",\"model\":\"tiny\",\"priority\":12,\"spec\":{\"seeds\":\"0\"}}"),
                422, "priority");
        String padding = " ".repeat(1_100_000);
        assertProblem(post(acme, "{\"kind\":\"generate\",\"model\":\"tiny\",\"spec\":{\"seeds\":\"0\"}}" + padding),
                413, "body");

        assertEquals(jobsBefore, count("SELECT count(*) FROM jobs"));
        assertEquals(outboxBefore, count("SELECT count(*) FROM outbox"));
        // And a tenant's list holds only its own jobs.
        for (JsonNode job : globex.jobs(null, 100).path("items")) {
            assertEquals("globex", job.path("tenant").asText());
        }
    }

    @Test
    @Order(5)
    void garbageOnTheTasksTopicGoesToTheDlqWhileARealJobCompletes() throws Exception {
        byte[] garbage = "{\"schema\":\"stylefarm.task.v1\", this is not a task".getBytes(StandardCharsets.UTF_8);
        try (KafkaProducer<byte[], byte[]> producer = FarmTestSupport.producer(farm)) {
            producer.send(new ProducerRecord<>(Topics.TASKS, "garbage".getBytes(StandardCharsets.UTF_8), garbage)).get();
        }
        UUID id = submit(acme, "1000-1063");
        assertEquals("SUCCEEDED", awaitEnd(acme, id).path("state").asText());

        try (KafkaConsumer<byte[], byte[]> dlq = FarmTestSupport.consumer(farm)) {
            dlq.subscribe(List.of(Topics.DLQ));
            AtomicBoolean found = new AtomicBoolean();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<byte[], byte[]> r : dlq.poll(Duration.ofMillis(500))) {
                    if (java.util.Arrays.equals(garbage, r.value())) {
                        assertEquals(Topics.TASKS, FarmTestSupport.header(r, DlqHeaders.ORIGIN_TOPIC));
                        assertTrue(FarmTestSupport.header(r, DlqHeaders.REASON).contains("not valid JSON"), FarmTestSupport.header(r, DlqHeaders.REASON));
                        found.set(true);
                    }
                }
                return found.get();
            });
        }
    }

    @Test
    @Order(5)
    void aWebdatasetJobWritesShardsAManifestWithLatentsAndADatasetCard() throws Exception {
        JsonNode job = acme.submit(JSON.readTree("{\"kind\": \"generate\", \"model\": \"tiny\", \"spec\": {"
                + "\"seeds\": \"0-2499\", \"layout\": \"webdataset\", \"shard_size\": 1000, \"format\": \"jpeg\","
                + " \"jpeg_quality\": 80, \"include_latents\": true}}"));
        UUID id = UUID.fromString(job.path("id").asText());
        assertEquals("SUCCEEDED", awaitEnd(acme, id).path("state").asText());
        Path out = tmp.resolve("dataset-" + id);
        FarmTestSupport.downloadIntact(acme, id, out);

        List<String> lines = Files.readAllLines(out.resolve("manifest.jsonl"));
        assertEquals(2500, lines.size());
        for (int i = 0; i < lines.size(); i++) {
            JsonNode entry = JSON.readTree(lines.get(i));
            assertEquals(i, entry.path("seed").asLong());
            assertEquals(String.format("jobs/%s/shards/shard-%06d.tar", id, i / 1000), entry.path("key").asText());
            assertEquals(String.format("seed%08d.jpg", i), entry.path("member").asText());
            assertEquals(64, entry.path("z").size()); // tiny32's z_dim
        }
        JsonNode card = JSON.readTree(out.resolve("dataset.json").toFile());
        assertEquals(2500, card.path("counts").path("images").asLong());
        assertEquals(3, card.path("counts").path("shards").asInt());
        assertEquals(ai.stylefarm.modelkit.io.Hashing.sha256(out.resolve("manifest.jsonl")),
                card.path("manifest").path("sha256").asText());
        for (JsonNode shard : card.path("shards")) {
            Path file = out.resolve(shard.path("key").asText().substring(("jobs/" + id + "/").length()));
            assertEquals(shard.path("sha256").asText(), ai.stylefarm.modelkit.io.Hashing.sha256(file));
        }
        assertEquals("tiny", card.path("model").path("id").asText());
        assertEquals(64, card.path("model").path("bundle_sha256").asText().length());
    }

    @Test
    @Order(5)
    void aStyleMixJobRendersEveryCellAndAGridLaidOutAsStyleMixingPy() throws Exception {
        JsonNode job = acme.submit(JSON.readTree("{\"kind\": \"style_mix\", \"model\": \"tiny\", \"spec\": {"
                + "\"row_seeds\": \"85,100,75\", \"col_seeds\": [55, 821], \"styles\": \"0-3\"}}"));
        UUID id = UUID.fromString(job.path("id").asText());
        assertEquals(3 * 2 + 5, job.path("items").path("total").asLong());
        JsonNode ended = awaitEnd(acme, id);
        assertEquals("SUCCEEDED", ended.path("state").asText(), ended.toString());
        Path out = tmp.resolve("mix-" + id);
        FarmTestSupport.downloadIntact(acme, id, out);

        List<String> lines = Files.readAllLines(out.resolve("manifest.jsonl"));
        assertEquals(11, lines.size());
        BufferedImage grid = ImageIO.read(out.resolve("grid.png").toFile());
        assertEquals(3 * 32, grid.getWidth());
        assertEquals(4 * 32, grid.getHeight());
        assertEquals(0, grid.getRGB(5, 5) & 0xffffff, "the top-left corner is black");
        long[] rows = {85, 100, 75};
        long[] cols = {55, 821};
        for (int r = 0; r <= rows.length; r++) {
            for (int c = 0; c <= cols.length; c++) {
                if (r == 0 && c == 0) {
                    continue;
                }
                long row = r == 0 ? cols[c - 1] : rows[r - 1];
                long col = c == 0 ? rows[r - 1] : cols[c - 1];
                BufferedImage cell = ImageIO.read(out.resolve("style_mix/" + row + "-" + col + ".png").toFile());
                for (int y = 0; y < 32; y += 7) {
                    for (int x = 0; x < 32; x += 7) {
                        assertEquals(cell.getRGB(x, y), grid.getRGB(c * 32 + x, r * 32 + y), row + "-" + col);
                    }
                }
            }
        }
        assertProblem(post(acme, "{\"kind\":\"style_mix\",\"model\":\"tiny\",\"spec\":{\"row_seeds\":\"1\","
                + "\"col_seeds\":\"2\",\"styles\":\"0-20\"}}"), 422, "spec.styles");
    }

    @Test
    @Order(6)
    void aRepeatedIdempotencyKeyReturnsTheFirstJobAndADifferentRequestWithItConflicts() {
        String body = "{\"kind\":\"generate\",\"model\":\"tiny\",\"spec\":{\"seeds\":\"7-9\"}}";
        GatewayClient.Raw first = acme.raw("POST", "/v1/jobs", "application/json", body.getBytes(StandardCharsets.UTF_8),
                b -> b.header("Idempotency-Key", "import-batch-42"));
        GatewayClient.Raw again = acme.raw("POST", "/v1/jobs", "application/json", body.getBytes(StandardCharsets.UTF_8),
                b -> b.header("Idempotency-Key", "import-batch-42"));
        assertEquals(202, first.status(), first.body());
        assertEquals(200, again.status(), again.body());
        assertEquals(first.json().path("id"), again.json().path("id"));
        String other = body.replace("7-9", "7-10");
        assertProblem(acme.raw("POST", "/v1/jobs", "application/json", other.getBytes(StandardCharsets.UTF_8),
                b -> b.header("Idempotency-Key", "import-batch-42")), 409, "Idempotency-Key");
    }

    @Test
    @Order(7)
    void aNetworkPickleIsImportedThroughTheGatewayAndAPickleThatRunsCodeIsRefused() throws Exception {
        Path pickle = Path.of("../modelkit/src/test/resources/fixtures/stylegan2-ada-A/network-snapshot.pkl");
        assertEquals(0, Farm.commandLine().execute("models", "add", pickle.toString(), "--id", "ada-a",
                "--gateway", farm.gatewayUrl(), "--key", farm.adminKey()));
        JsonNode model = admin.raw("GET", "/v1/models/ada-a", null, null, b -> { }).json();
        assertEquals("READY", model.path("state").asText());
        assertEquals("nvidia_pickle", model.path("source").asText());
        assertEquals(32, model.path("resolution").asInt());
        UUID id = UUID.fromString(admin.generate("ada-a", JsonNodeFactory.instance.objectNode().put("seeds", "0-7"))
                .path("id").asText());
        assertEquals("SUCCEEDED", awaitEnd(admin, id).path("state").asText());

        // GLOBAL os.system, then REDUCE with a shell command: parsing must refuse it, never run it.
        Path marker = tmp.resolve("pwned");
        String command = "touch " + marker;
        byte[] length = java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(command.length()).array();
        java.io.ByteArrayOutputStream evil = new java.io.ByteArrayOutputStream();
        evil.write(new byte[] {(byte) 0x80, 2});
        evil.write("cos\nsystem\nX".getBytes(StandardCharsets.ISO_8859_1));
        evil.write(length);
        evil.write(command.getBytes(StandardCharsets.ISO_8859_1));
        evil.write(new byte[] {(byte) 0x85, 'R', '.'});
        GatewayClient.Raw refused = admin.raw("POST", "/v1/models?id=evil", "application/octet-stream", evil.toByteArray(),
                b -> { });
        assertProblem(refused, 422, "body");
        assertTrue(refused.json().path("detail").asText().contains("os.system"), refused.body());
        assertTrue(!Files.exists(marker), "the pickle's code ran");
        assertEquals(404, admin.raw("GET", "/v1/models/evil", null, null, b -> { }).status());
    }

    @Test
    @Order(8)
    void aJobSubmittedWhileTheBrokerIsDownIsAcceptedAndCompletesAfterItsRestart() throws Exception {
        farm.stack().kafka().stop();
        UUID id;
        try {
            id = submit(acme, "2000-2039");
            Thread.sleep(2000);
            assertEquals("QUEUED", acme.job(id).path("state").asText());
        } finally {
            farm.stack().kafka().start();
        }
        assertEquals("SUCCEEDED", awaitEnd(acme, id).path("state").asText());
        assertEquals(40, acme.job(id).path("items").path("done").asLong());
    }

    private static UUID submit(GatewayClient client, String seeds) {
        JsonNode job = client.generate(MODEL, JsonNodeFactory.instance.objectNode().put("seeds", seeds));
        return UUID.fromString(job.path("id").asText());
    }

    private static JsonNode awaitEnd(GatewayClient client, UUID id) throws InterruptedException {
        long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
        JsonNode job = client.job(id);
        while (!JobState.valueOf(job.path("state").asText()).isTerminal() && System.nanoTime() < deadline) {
            Thread.sleep(100);
            job = client.job(id);
        }
        return job;
    }

    @Test
    @Order(9)
    void imageUploadsAreCheckedCompletelyBeforeAnythingIsStored() throws Exception {
        long rowsBefore = count("SELECT count(*) FROM uploads");
        GatewayClient.Raw png = TestImages.upload(acme, "target.png", TestImages.image(40, 30, BufferedImage.TYPE_3BYTE_BGR, "png"));
        assertEquals(201, png.status(), png.body());
        JsonNode uploaded = png.json();
        assertEquals("image/png", uploaded.path("content_type").asText());
        assertEquals(40, uploaded.path("width").asInt());
        assertEquals(30, uploaded.path("height").asInt());
        assertEquals(3, uploaded.path("channels").asInt());
        GatewayClient.Raw jpeg = TestImages.upload(acme, "photo.jpg", TestImages.image(64, 48, BufferedImage.TYPE_3BYTE_BGR, "jpeg"));
        assertEquals(201, jpeg.status(), jpeg.body());
        assertEquals("image/jpeg", jpeg.json().path("content_type").asText());
        GatewayClient.Raw grey = TestImages.upload(acme, "grey.png", TestImages.image(16, 16, BufferedImage.TYPE_BYTE_GRAY, "png"));
        assertEquals(1, grey.json().path("channels").asInt(), grey.body());

        String id = uploaded.path("id").asText();
        assertEquals(200, acme.raw("GET", "/v1/uploads/" + id, null, null, b -> { }).status());
        assertEquals(404, globex.raw("GET", "/v1/uploads/" + id, null, null, b -> { }).status());

        assertUploadProblem(TestImages.upload(acme, "notes.png", "hello, not an image".getBytes(StandardCharsets.UTF_8)), 415,
                "is not an image");
        byte[] whole = TestImages.image(200, 200, BufferedImage.TYPE_3BYTE_BGR, "png");
        assertUploadProblem(TestImages.upload(acme, "cut.png", java.util.Arrays.copyOf(whole, whole.length / 2)), 422, "corrupt");
        assertUploadProblem(TestImages.upload(acme, "bomb.png", TestImages.pngHeaderOnly(100_000, 100_000)), 422, "over the limit");
        assertUploadProblem(TestImages.upload(acme, "alpha.png", TestImages.image(20, 20, BufferedImage.TYPE_4BYTE_ABGR, "png")), 422,
                "4 channels");
        assertUploadProblem(TestImages.upload(acme, "huge.png", new byte[400_000]), 413, "over the limit of 300000");

        assertEquals(rowsBefore + 3, count("SELECT count(*) FROM uploads"));
        var e = farm.endpoints();
        io.minio.MinioClient s3 = io.minio.MinioClient.builder().endpoint(e.s3Endpoint())
                .credentials(e.s3AccessKey(), e.s3SecretKey()).build();
        long objects = 0;
        for (var item : s3.listObjects(io.minio.ListObjectsArgs.builder().bucket(e.s3Bucket()).prefix("uploads/acme/")
                .recursive(true).build())) {
            objects += item.get().objectName().isEmpty() ? 0 : 1;
        }
        assertEquals(count("SELECT count(*) FROM uploads WHERE tenant_id = 'acme'"), objects,
                "an object for every upload and none for a refused one");
    }

    private static void assertUploadProblem(GatewayClient.Raw response, int status, String words) {
        assertProblem(response, status, "file");
        assertTrue(response.json().path("detail").asText().contains(words), response.body());
    }

    private static GatewayClient.Raw post(GatewayClient client, String body) {
        return FarmTestSupport.postJob(client, body);
    }

    private static void assertProblem(GatewayClient.Raw response, int status, String field) {
        FarmTestSupport.assertProblem(response, status, field);
    }

    /** Every consecutive pair of observed states is a path along the allowed transitions. */
    private static void assertReachable(List<String> observed, java.util.function.Function<String, List<String>> next) {
        for (int i = 1; i < observed.size(); i++) {
            String from = observed.get(i - 1);
            String to = observed.get(i);
            Set<String> reachable = new HashSet<>();
            List<String> frontier = new ArrayList<>(next.apply(from));
            while (!frontier.isEmpty()) {
                String s = frontier.remove(frontier.size() - 1);
                if (reachable.add(s)) {
                    frontier.addAll(next.apply(s));
                }
            }
            assertTrue(reachable.contains(to), from + " -> " + to + " in " + observed);
        }
    }

    private static Map<UUID, String> taskStates(UUID job) throws Exception {
        Map<UUID, String> states = new HashMap<>();
        try (Connection c = FarmTestSupport.db(farm); PreparedStatement s = c.prepareStatement("SELECT id, state FROM tasks WHERE job_id = ?")) {
            s.setObject(1, job);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    states.put(r.getObject(1, UUID.class), r.getString(2));
                }
            }
        }
        return states;
    }

    private static List<String> jobEvents(UUID job) throws Exception {
        return FarmTestSupport.column(farm, "SELECT type FROM job_events WHERE job_id = ? AND task_id IS NULL ORDER BY id",
                job);
    }

    private static long imageCount(UUID job) throws Exception {
        Path dir = farm.stack().dataDir().resolve("s3").resolve(farm.endpoints().s3Bucket())
                .resolve("jobs").resolve(job.toString()).resolve("images");
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (var files = Files.list(dir)) {
            return files.count();
        }
    }

    private static long count(String sql) throws Exception {
        return FarmTestSupport.count(farm, sql);
    }

}
