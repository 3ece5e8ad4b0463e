package ai.stylefarm.worker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stylefarm.infra.EmbeddedStack;
import ai.stylefarm.infra.StackEndpoints;
import ai.stylefarm.modelkit.ModelKit;
import ai.stylefarm.modelkit.bundle.ModelBundle;
import ai.stylefarm.modelkit.bundle.ModelManifest;
import ai.stylefarm.modelkit.inference.ExecutionDevice;
import ai.stylefarm.modelkit.inference.GeneratorSession;
import ai.stylefarm.modelkit.inference.NoiseMode;
import ai.stylefarm.modelkit.inference.RenderOptions;
import ai.stylefarm.modelkit.inference.Renderer;
import ai.stylefarm.modelkit.inference.SessionSettings;
import ai.stylefarm.modelkit.io.Hashing;
import ai.stylefarm.modelkit.io.Pixels;
import ai.stylefarm.schemas.DlqHeaders;
import ai.stylefarm.schemas.GenerateTaskSpec;
import ai.stylefarm.schemas.ImageFormat;
import ai.stylefarm.schemas.Layout;
import ai.stylefarm.schemas.Messages;
import ai.stylefarm.schemas.Seeds;
import ai.stylefarm.schemas.TaskEvent;
import ai.stylefarm.schemas.TaskMessage;
import ai.stylefarm.schemas.Topics;
import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.UploadObjectArgs;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * One real stack (Kafka, S3) and one worker for the class: starting them costs most of the runtime, and every
 * test tells its tasks apart by job id. The shutdown test replaces the worker, so it runs last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WorkerEndToEndTest {
    private static final String MODEL_ID = "tiny-e2e";
    private static final int BATCH = 4;
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    static Path tmp;

    static EmbeddedStack stack;
    static Worker worker;
    static WorkerConfig workerConfig;
    static MinioClient s3;
    static KafkaProducer<byte[], byte[]> tasks;
    static KafkaConsumer<byte[], byte[]> observer;
    static ModelBundle bundle;
    static final List<TaskEvent> events = new ArrayList<>();
    static final List<ConsumerRecord<byte[], byte[]>> deadLetters = new ArrayList<>();

    @BeforeAll
    static void startStackAndWorker() throws Exception {
        stack = EmbeddedStack.start(tmp.resolve("stack"));
        stack.kafka().createTopics(Map.of(Topics.TASKS, 1, Topics.TASK_EVENTS, 1, Topics.DLQ, 1));
        StackEndpoints endpoints = stack.endpoints();
        s3 = MinioClient.builder().endpoint(endpoints.s3Endpoint())
                .credentials(endpoints.s3AccessKey(), endpoints.s3SecretKey()).build();

        bundle = ModelKit.writeBundle(ModelKit.randomInit("tiny32", 7), "tiny", tmp.resolve("bundle"));
        List<String> files = new java.util.ArrayList<>(bundle.manifest().files().keySet());
        files.add(ModelManifest.FILE_NAME);
        for (String file : files) {
            s3.uploadObject(UploadObjectArgs.builder().bucket(endpoints.s3Bucket())
                    .object("models/" + MODEL_ID + "/" + file).filename(bundle.file(file).toString()).build());
        }

        Map<String, String> settings = new HashMap<>();
        settings.put("kafka.bootstrap", endpoints.kafkaBootstrapServers());
        settings.put("s3.endpoint", endpoints.s3Endpoint());
        settings.put("s3.access.key", endpoints.s3AccessKey());
        settings.put("s3.secret.key", endpoints.s3SecretKey());
        settings.put("s3.bucket", endpoints.s3Bucket());
        settings.put("worker.id", "test-worker");
        settings.put("worker.cache.dir", tmp.resolve("cache").toString());
        settings.put("worker.batch.size", Integer.toString(BATCH));
        settings.put("worker.device", "cpu");
        settings.put("worker.heartbeat.seconds", "1");
        settings.put("worker.metrics.port", "0");
        workerConfig = WorkerConfig.from(settings::get);
        worker = Worker.start(workerConfig);

        tasks = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()));
        observer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName()));
        List<TopicPartition> partitions = List.of(new TopicPartition(Topics.TASK_EVENTS, 0),
                new TopicPartition(Topics.DLQ, 0));
        observer.assign(partitions);
        observer.seekToBeginning(partitions);
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {worker, tasks, observer, s3, stack}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                e.printStackTrace();
            }
        }
    }

    @Test
    void generateTaskStoresEachSeedAsThePngADirectRenderGivesAndReportsItsChecksum() throws Exception {
        UUID job = UUID.randomUUID();
        publish(generate(job, MODEL_ID, bundle.checksum(), "0-5"));

        TaskEvent succeeded = awaitTerminal(job);
        assertEquals(TaskEvent.Type.SUCCEEDED, succeeded.type(), () -> "got " + succeeded);
        List<TaskEvent> mine = eventsOf(job);
        TaskEvent started = mine.stream().filter(e -> e.type() == TaskEvent.Type.STARTED).findFirst().orElseThrow();
        assertEquals(TaskEvent.DeviceKind.CPU, started.device().kind());
        assertTrue(started.host().memoryBytes() > 0 && started.host().gpu() == null, started.host().toString());
        assertEquals("0.1.0-SNAPSHOT", started.host().version());
        assertTrue(mine.indexOf(started) < mine.indexOf(succeeded), "STARTED comes before SUCCEEDED");
        assertEquals("test-worker", succeeded.workerId());

        Map<Long, byte[]> expected = renderDirectly(new long[] {0, 1, 2, 3, 4, 5});
        List<TaskEvent.Output> images = succeeded.outputs().stream().filter(o -> o.seed() != null).toList();
        assertEquals(6, images.size());
        for (TaskEvent.Output output : images) {
            assertEquals(String.format("jobs/%s/images/seed%08d.png", job, output.seed()), output.key());
            byte[] stored = read(output.key());
            assertArrayEquals(expected.get(output.seed()), stored, "seed " + output.seed());
            assertEquals(Hashing.sha256(stored), output.sha256());
            assertEquals(stored.length, output.bytes());
        }
        // The task's part of the manifest: one line per seed, in seed order, with each image's checksum.
        TaskEvent.Output part = succeeded.outputs().stream().filter(o -> o.seed() == null).findFirst().orElseThrow();
        assertEquals("jobs/" + job + "/parts/part-000000.jsonl", part.key());
        List<String> lines = new String(read(part.key()), java.nio.charset.StandardCharsets.UTF_8).lines().toList();
        assertEquals(6, lines.size());
        for (int i = 0; i < 6; i++) {
            var line = ai.stylefarm.schemas.Messages.mapper().readTree(lines.get(i));
            assertEquals(i, line.path("seed").asLong());
            assertEquals(images.get(i).sha256(), line.path("sha256").asText());
        }
    }

    @Test
    void metricsCountEachTasksImagesByModelAndDeviceAndTimeTheTask() throws Exception {
        String url = "http://127.0.0.1:" + worker.metricsPort();
        Map<String, String> images = Map.of("model", MODEL_ID, "device", "cpu", "kind", "generate");
        Map<String, String> succeeded = Map.of("kind", "generate", "outcome", "succeeded");
        String before = get(url + "/q/metrics");
        UUID job = UUID.randomUUID();
        publish(generate(job, MODEL_ID, bundle.checksum(), "100-102"));
        assertEquals(TaskEvent.Type.SUCCEEDED, awaitTerminal(job).type());

        String after = get(url + "/q/metrics");
        assertEquals(3, sample(after, "stylefarm_images_total", images) - sample(before, "stylefarm_images_total", images));
        assertEquals(1, sample(after, "stylefarm_task_duration_seconds_count", succeeded)
                - sample(before, "stylefarm_task_duration_seconds_count", succeeded));
        assertTrue(sample(after, "stylefarm_task_duration_seconds_sum", succeeded) > 0);
        double utilization = sample(after, "stylefarm_worker_utilization_ratio", Map.of("worker", "test-worker"));
        assertTrue(utilization > 0 && utilization <= 1, "utilization " + utilization);
        assertTrue(sample(after, "jvm_memory_used_bytes", Map.of("area", "heap")) > 0);
        assertTrue(get(url + "/q/health").contains("\"UP\""));
    }

    /** One sample's value from Prometheus text: the line of {@code name} whose labels include {@code labels}; 0 if none. */
    static double sample(String text, String name, Map<String, String> labels) {
        for (String line : text.split("\n")) {
            if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) {
                continue;
            }
            if (labels.entrySet().stream().allMatch(l -> line.contains(l.getKey() + "=\"" + l.getValue() + "\""))) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }

    private static String get(String url) throws Exception {
        var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(url)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), url);
        return response.body();
    }

    @Test
    void webdatasetTaskWritesOneReproducibleShardWithJpegsLatentsAndDescriptions() throws Exception {
        UUID job = UUID.randomUUID();
        GenerateTaskSpec spec = new GenerateTaskSpec(Seeds.parse("10-14"), 0.7, null, null,
                ai.stylefarm.schemas.NoiseMode.CONST, ImageFormat.JPEG, Layout.WEBDATASET, "jobs/" + job + "/shards/",
                85, true, 3);
        publish(new TaskMessage(UUID.randomUUID(), job, 1, MODEL_ID, null, bundle.checksum(), spec, 120, Instant.now()));
        TaskEvent first = awaitTerminal(job);
        assertEquals(TaskEvent.Type.SUCCEEDED, first.type(), () -> "got " + first);
        TaskEvent.Output shard = first.outputs().stream().filter(o -> o.key().endsWith(".tar")).findFirst().orElseThrow();
        assertEquals("jobs/" + job + "/shards/shard-000003.tar", shard.key());
        byte[] tar = read(shard.key());
        assertEquals(Hashing.sha256(tar), shard.sha256());

        Map<String, byte[]> members = untar(tar);
        assertEquals(15, members.size());
        for (long seed = 10; seed <= 14; seed++) {
            String key = String.format("seed%08d", seed);
            java.awt.image.BufferedImage jpeg = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(members.get(key + ".jpg")));
            assertEquals(bundle.manifest().resolution(), jpeg.getWidth());
            var description = ai.stylefarm.schemas.Messages.mapper().readTree(members.get(key + ".json"));
            assertEquals(seed, description.path("seed").asLong());
            assertEquals(bundle.manifest().zDim(), description.path("z").size());
            assertEquals(bundle.manifest().wDim(), description.path("w").size());
            var npy = ai.stylefarm.modelkit.io.Npy.read(new java.io.ByteArrayInputStream(members.get(key + ".npy")));
            assertArrayEquals(new int[] {bundle.manifest().numWs(), bundle.manifest().wDim()}, npy.shape());
        }

        // A re-run attempt writes the very same shard.
        publish(new TaskMessage(UUID.randomUUID(), job, 2, MODEL_ID, null, bundle.checksum(), spec, 120, Instant.now()));
        TaskEvent second = await().atMost(WAIT).pollInSameThread().until(() -> {
            drain();
            return eventsOf(job).stream().filter(e -> e.type() == TaskEvent.Type.SUCCEEDED && e.attempt() == 2)
                    .findFirst().orElse(null);
        }, e -> e != null);
        assertEquals(first.outputs(), second.outputs());
    }

    @Test
    void anAttemptWhoseOutputsAnotherStoredFirstReportsWhatStorageHolds() throws Exception {
        // An earlier attempt stored seed 1 (differently) before it died: the key is written once, and kept.
        UUID job = UUID.randomUUID();
        String taken = String.format("jobs/%s/images/seed%08d.png", job, 1);
        byte[] earlier = "an earlier attempt's image".getBytes(StandardCharsets.UTF_8);
        put(taken, earlier);
        publish(generate(job, MODEL_ID, bundle.checksum(), "0-2"));
        TaskEvent succeeded = awaitTerminal(job);
        assertEquals(TaskEvent.Type.SUCCEEDED, succeeded.type(), () -> "got " + succeeded);
        assertArrayEquals(earlier, read(taken), "a stored output is never overwritten");
        TaskEvent.Output one = succeeded.outputs().stream().filter(o -> Long.valueOf(1).equals(o.seed())).findFirst()
                .orElseThrow();
        assertEquals(Hashing.sha256(earlier), one.sha256(), "the record is the stored object's");
        assertEquals(earlier.length, one.bytes());
        String part = new String(read("jobs/" + job + "/parts/part-000000.jsonl"), StandardCharsets.UTF_8);
        assertTrue(part.contains(Hashing.sha256(earlier)), part);

        // A shard stored by an earlier attempt (at ψ 0.7) before it could store its manifest part: this attempt
        // (at ψ 0.5) keeps the shard and describes the stored samples, not its own.
        UUID earlierJob = UUID.randomUUID();
        UUID laterJob = UUID.randomUUID();
        publish(new TaskMessage(UUID.randomUUID(), earlierJob, 1, MODEL_ID, null, bundle.checksum(),
                shardSpec(earlierJob, 0.7), 120, Instant.now()));
        assertEquals(TaskEvent.Type.SUCCEEDED, awaitTerminal(earlierJob).type());
        byte[] storedShard = read("jobs/" + earlierJob + "/shards/shard-000000.tar");
        put("jobs/" + laterJob + "/shards/shard-000000.tar", storedShard);
        publish(new TaskMessage(UUID.randomUUID(), laterJob, 1, MODEL_ID, null, bundle.checksum(),
                shardSpec(laterJob, 0.5), 120, Instant.now()));
        TaskEvent later = awaitTerminal(laterJob);
        assertEquals(TaskEvent.Type.SUCCEEDED, later.type(), () -> "got " + later);
        assertEquals(Hashing.sha256(storedShard), later.outputs().get(0).sha256());
        Map<String, byte[]> members = untar(storedShard);
        List<String> lines = new String(read("jobs/" + laterJob + "/parts/part-000000.jsonl"), StandardCharsets.UTF_8)
                .lines().toList();
        assertEquals(2, lines.size());
        for (String text : lines) {
            var line = Messages.mapper().readTree(text);
            assertEquals(0.7, line.path("truncation_psi").asDouble(), 1e-9, text);
            assertEquals("jobs/" + laterJob + "/shards/shard-000000.tar", line.path("key").asText());
            assertEquals(Hashing.sha256(members.get(line.path("member").asText())), line.path("sha256").asText());
        }
    }

    private static GenerateTaskSpec shardSpec(UUID job, double psi) {
        return new GenerateTaskSpec(Seeds.parse("20-21"), psi, null, null, ai.stylefarm.schemas.NoiseMode.CONST,
                ImageFormat.PNG, Layout.WEBDATASET, "jobs/" + job + "/shards/", null, false, 0);
    }

    private static void put(String key, byte[] bytes) throws Exception {
        s3.putObject(io.minio.PutObjectArgs.builder().bucket(stack.endpoints().s3Bucket()).object(key)
                .stream(new java.io.ByteArrayInputStream(bytes), bytes.length, -1).build());
    }

    /** name → content of a ustar archive's regular files. */
    private static Map<String, byte[]> untar(byte[] tar) {
        Map<String, byte[]> members = new java.util.LinkedHashMap<>();
        int at = 0;
        while (at + 512 <= tar.length && tar[at] != 0) {
            String name = new String(tar, at, 100, java.nio.charset.StandardCharsets.US_ASCII).replace("\0", "");
            int size = Integer.parseInt(new String(tar, at + 124, 11, java.nio.charset.StandardCharsets.US_ASCII).trim(), 8);
            members.put(name, java.util.Arrays.copyOfRange(tar, at + 512, at + 512 + size));
            at += 512 + (size + 511) / 512 * 512;
        }
        return members;
    }

    @Test
    void garbageOnTheTasksTopicIsDeadLetteredWithAReasonAndTheNextTaskStillSucceeds() throws Exception {
        byte[] garbage = ("{not json " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
        tasks.send(new ProducerRecord<>(Topics.TASKS, "junk".getBytes(StandardCharsets.UTF_8), garbage)).get();
        UUID job = UUID.randomUUID();
        publish(generate(job, MODEL_ID, bundle.checksum(), "10"));

        ConsumerRecord<byte[], byte[]> letter = await().atMost(WAIT).pollInSameThread().until(() -> {
            drain();
            return deadLetters.stream().filter(r -> java.util.Arrays.equals(r.value(), garbage)).findFirst()
                    .orElse(null);
        }, r -> r != null);
        String reason = header(letter, DlqHeaders.REASON);
        assertNotNull(reason);
        assertTrue(reason.contains("not valid JSON"), reason);
        assertEquals(Topics.TASKS, header(letter, DlqHeaders.ORIGIN_TOPIC));
        assertEquals("0", header(letter, DlqHeaders.ORIGIN_PARTITION));
        assertNotNull(header(letter, DlqHeaders.ORIGIN_OFFSET));
        assertEquals("workers/test-worker", header(letter, DlqHeaders.CONSUMER));
        assertArrayEquals("junk".getBytes(StandardCharsets.UTF_8), letter.key());

        assertEquals(TaskEvent.Type.SUCCEEDED, awaitTerminal(job).type());
    }

    @Test
    void taskForAMissingModelFailsRetryablyNamingTheModelAndTheNextTaskStillSucceeds() throws Exception {
        UUID badJob = UUID.randomUUID();
        publish(generate(badJob, "no-such-model", "ab".repeat(32), "0-1"));
        UUID goodJob = UUID.randomUUID();
        publish(generate(goodJob, MODEL_ID, bundle.checksum(), "20-21"));

        TaskEvent failed = awaitTerminal(badJob);
        assertEquals(TaskEvent.Type.FAILED, failed.type(), () -> "got " + failed);
        assertTrue(failed.error().reason().contains("no-such-model"), failed.error().reason());
        assertTrue(failed.error().retryable());
        assertEquals(TaskEvent.Type.SUCCEEDED, awaitTerminal(goodJob).type());
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void aTaskCutShortByShutdownIsReportedRetryableAndRedeliveredToTheNextWorker() throws Exception {
        UUID job = UUID.randomUUID();
        // Long enough (several seconds) that the shutdown lands mid-task.
        TaskMessage task = generate(job, MODEL_ID, bundle.checksum(), "1000-3999");
        publish(task);
        await().atMost(WAIT).pollInSameThread().until(() -> {
            drain();
            return eventsOf(job).stream().anyMatch(e -> e.type() == TaskEvent.Type.PROGRESS);
        });

        worker.close();
        TaskEvent abandoned = awaitTerminal(job);
        assertEquals(TaskEvent.Type.FAILED, abandoned.type(), () -> "got " + abandoned);
        assertEquals("worker shutting down", abandoned.error().reason());
        assertTrue(abandoned.error().retryable());
        assertTrue(eventsOf(job).stream().anyMatch(e -> e.type() == TaskEvent.Type.HEARTBEAT));

        // Not committed, so the group hands the same record to the next member.
        worker = Worker.start(workerConfig);
        TaskEvent redone = await().atMost(WAIT).pollInSameThread().until(() -> {
            drain();
            return eventsOf(job).stream().filter(e -> e.type() == TaskEvent.Type.SUCCEEDED).findFirst()
                    .orElse(null);
        }, e -> e != null);
        assertEquals(task.taskId(), redone.taskId());
        assertEquals(3000, redone.outputs().stream().filter(o -> o.seed() != null).count());
        assertEquals(2, eventsOf(job).stream().filter(e -> e.type() == TaskEvent.Type.STARTED).count());
    }

    private static TaskMessage generate(UUID job, String modelId, String sha256, String seeds) {
        GenerateTaskSpec spec = new GenerateTaskSpec(Seeds.parse(seeds), 0.7, null, null,
                ai.stylefarm.schemas.NoiseMode.RANDOM, ImageFormat.PNG, Layout.FILES, "jobs/" + job + "/images/");
        return new TaskMessage(UUID.randomUUID(), job, 1, modelId, null, sha256, spec, 120, Instant.now());
    }

    private static void publish(TaskMessage task) throws Exception {
        tasks.send(new ProducerRecord<>(Topics.TASKS, task.taskId().toString().getBytes(StandardCharsets.UTF_8),
                Messages.toJson(task))).get(30, TimeUnit.SECONDS);
    }

    /** What the worker should have stored: the same seeds through Renderer and Pixels, batched as the worker does. */
    private static Map<Long, byte[]> renderDirectly(long[] seeds) {
        Map<Long, byte[]> out = new HashMap<>();
        ModelManifest m = bundle.manifest();
        try (GeneratorSession session = GeneratorSession.open(bundle, new SessionSettings(ExecutionDevice.CPU, 0))) {
            new Renderer(session).render(seeds, new RenderOptions(0.7f, null, null, NoiseMode.RANDOM, BATCH), r -> {
                byte[] hwc = Pixels.toUint8Hwc(r.img(), 0, m.imgChannels(), m.resolution(), m.resolution());
                out.put(r.seed(), Pixels.png(hwc, m.resolution(), m.resolution(), m.imgChannels()));
            });
        }
        return out;
    }

    private static byte[] read(String key) throws Exception {
        try (InputStream in = s3.getObject(GetObjectArgs.builder().bucket(stack.endpoints().s3Bucket())
                .object(key).build())) {
            return in.readAllBytes();
        }
    }

    private static TaskEvent awaitTerminal(UUID job) {
        return await().atMost(WAIT).pollInSameThread().until(() -> {
            drain();
            return eventsOf(job).stream()
                    .filter(e -> e.type() == TaskEvent.Type.SUCCEEDED || e.type() == TaskEvent.Type.FAILED)
                    .findFirst().orElse(null);
        }, e -> e != null);
    }

    private static List<TaskEvent> eventsOf(UUID job) {
        return events.stream().filter(e -> e.jobId().equals(job)).toList();
    }

    private static void drain() {
        for (ConsumerRecord<byte[], byte[]> r : observer.poll(Duration.ofMillis(200))) {
            if (r.topic().equals(Topics.DLQ)) {
                deadLetters.add(r);
            } else {
                events.add(Messages.parse(r.value(), TaskEvent.class));
            }
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
