package ai.stylefarm.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stylefarm.cli.client.GatewayClient;
import ai.stylefarm.cli.local.LocalFarm;
import ai.stylefarm.cli.local.LocalFarmConfig;
import ai.stylefarm.domain.storage.Bucket;
import ai.stylefarm.domain.storage.BucketSettings;
import ai.stylefarm.infra.StackConfig;
import ai.stylefarm.modelkit.ModelKit;
import ai.stylefarm.modelkit.bundle.ModelBundle;
import ai.stylefarm.modelkit.inference.GeneratorSession;
import ai.stylefarm.modelkit.inference.LatentWalk;
import ai.stylefarm.modelkit.inference.NoiseMode;
import ai.stylefarm.modelkit.inference.SessionSettings;
import ai.stylefarm.modelkit.inference.WalkRenderer;
import ai.stylefarm.modelkit.io.Npz;
import ai.stylefarm.modelkit.io.Pixels;
import ai.stylefarm.modelkit.stylegan.Tensor;
import ai.stylefarm.modelkit.video.VideoReader;
import ai.stylefarm.schemas.ObjectKeys;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/** Interpolation videos on the real stack: two workers render segments in parallel, the scheduler joins them. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FarmVideoTest {
    /** The stored spec of a projection job whose rows the tests write directly (its projection is faked too). */
    private static final String PROJECTION_SPEC = "{\"targets\": [{\"upload\": \"" + UUID.randomUUID()
            + "\", \"key\": \"uploads/acme/x\", \"name\": \"x.png\"}]}";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MODEL = "tiny";
    private static final int RESOLUTION = 32;

    @TempDir
    static Path tmp;

    static LocalFarm farm;
    static GatewayClient admin;
    static GatewayClient acme;
    static GatewayClient globex;

    @BeforeAll
    static void startFarm() {
        farm = LocalFarm.start(new LocalFarmConfig(LocalFarmConfig.findHome(), StackConfig.defaults(tmp.resolve("farm")),
                0, 0, 2, FarmTestSupport.settings(Map.of("worker.heartbeat.seconds", "1", "scheduler.running-lease", "PT5S"))),
                "sfk_video-" + UUID.randomUUID());
        admin = new GatewayClient(farm.gatewayUrl(), farm.adminKey());
        admin.registerRandomModel(MODEL, "tiny32", 7, true);
        FarmTestSupport.Tenants tenants = FarmTestSupport.Tenants.create(admin);
        acme = tenants.acme();
        globex = tenants.globex();
        farm.awaitWorkersJoined(2);
        // The scheduler reads the group's assignment every 2 s; past that, it releases to both workers.
        try {
            Thread.sleep(3000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @AfterAll
    static void stopFarm() {
        FarmTestSupport.verifyEveryJobAndClose(farm);
    }

    @Test
    @Order(1)
    void aLoopingGridWalkBecomesOneH264VideoWhoseFramesMatchDirectRendersOfTheSameWs() throws Exception {
        String spec = "{'seeds': '1,2,3,4,5,6', 'grid': '2x1', 'loop': true, 'frames_per_keyframe': 24,"
                + " 'fps': 24, 'frames_per_task': 6, 'truncation_psi': 0.7}";
        UUID id = submit(acme, spec);
        JsonNode job = awaitEnd(acme, id);
        assertEquals("SUCCEEDED", job.path("state").asText(), job.toString());
        assertEquals(72, job.path("items").path("total").asLong()); // 3 keyframes per walk × 24, a loop
        assertEquals(72, job.path("items").path("done").asLong());
        assertEquals(2L, FarmTestSupport.count(farm, "SELECT count(DISTINCT worker_id) FROM tasks WHERE job_id = ?", id),
                "the segments were rendered by both workers");

        Path out = tmp.resolve("video-" + id);
        Downloader.Result downloaded = Downloader.download(acme, id, out, false);
        assertTrue(downloaded.complete(), downloaded.toString());
        Path video = out.resolve("video.mp4");
        List<String> manifest = Files.readAllLines(out.resolve("manifest.jsonl"));
        assertEquals(12, manifest.size(), "one line per segment");
        assertTrue(Files.notExists(out.resolve("segments")), "segments are internal, not artifacts");
        String head = new String(Files.readAllBytes(video), StandardCharsets.ISO_8859_1);
        assertTrue(head.indexOf("moov") < head.indexOf("mdat"), "faststart: the index comes first");

        List<byte[]> frames = new ArrayList<>();
        try (VideoReader reader = new VideoReader(video)) {
            VideoReader.Info info = reader.info();
            assertEquals("h264", info.codec());
            assertEquals("yuv420p", info.pixelFormat());
            // Small frames are magnified ×2 so that yuv420p's shared colour samples lose nothing.
            assertEquals(2 * 2 * RESOLUTION, info.width());
            assertEquals(2 * RESOLUTION, info.height());
            assertEquals(24.0, info.fps(), 1e-9);
            assertEquals(72 / 24.0, info.durationSeconds(), 1e-3);
            for (var frame = reader.next(); frame.isPresent(); frame = reader.next()) {
                frames.add(halve(frame.get(), 4 * RESOLUTION, 2 * RESOLUTION));
            }
        }
        assertEquals(72, frames.size());

        // Direct renders: each cell's w at each frame through the synthesis network, one image at a time.
        ModelBundle bundle = localBundle("bundle");
        try (GeneratorSession session = GeneratorSession.open(bundle, SessionSettings.defaults())) {
            List<float[]> keyframes = WalkRenderer.seedWs(session, List.of(1L, 2L, 3L, 4L, 5L, 6L), 0.7f, null);
            WalkRenderer walk = new WalkRenderer(session, new WalkRenderer.Walk(keyframes, false, LatentWalk.Kind.CUBIC,
                    true, 24, 2, 1, 0.7f, null, NoiseMode.CONST));
            double worst = Double.POSITIVE_INFINITY;
            for (int f = 0; f < frames.size(); f++) {
                for (int cell = 0; cell < 2; cell++) {
                    float[] img = session.synthesize(walk.ws(cell, f), 1, NoiseMode.CONST, null);
                    byte[] direct = Pixels.toUint8Hwc(img, 0, 3, RESOLUTION, RESOLUTION);
                    worst = Math.min(worst, psnr(direct, crop(frames.get(f), cell)));
                }
            }
            assertTrue(worst >= 35, "the worst decoded cell is " + worst + " dB from its direct render");
        }

        // Seamless: from the last frame back to the first is a step like any other.
        double seam = psnr(frames.get(frames.size() - 1), frames.get(0));
        double roughest = Double.POSITIVE_INFINITY;
        for (int f = 1; f < frames.size(); f++) {
            roughest = Math.min(roughest, psnr(frames.get(f - 1), frames.get(f)));
        }
        assertTrue(seam >= roughest - 1, "the loop's seam (" + seam + " dB) is rougher than its roughest step ("
                + roughest + " dB)");
    }

    @Test
    @Order(2)
    void keptFramesAndInlineWKeyframesComeOutAsPngsBesideTheVideo() throws Exception {
        ModelBundle bundle = localBundle("bundle-w");
        float[] ws = seedWs(bundle, 9L);
        // Seed 9's ws at ψ = 1 are one w repeated on every layer; given as one [w_dim] row, it is broadcast back.
        float[] first = java.util.Arrays.copyOf(ws, bundle.manifest().wDim());
        UUID id = submit(acme, "{'keyframes': [9, {'w': " + JSON.writeValueAsString(first) + "}],"
                + " 'kind': 'linear', 'frames_per_keyframe': 4, 'keep_frames': true, 'fps': 30}");
        JsonNode job = awaitEnd(acme, id);
        assertEquals("SUCCEEDED", job.path("state").asText(), job.toString());
        Path out = tmp.resolve("frames-" + id);
        FarmTestSupport.downloadIntact(acme, id, out);
        for (int f = 0; f < 5; f++) {
            assertTrue(Files.isRegularFile(out.resolve(String.format("frames/frame%06d.png", f))), "frame " + f);
        }
        // The walk from seed 9 to seed 9's own w stands still: every frame is the first.
        assertArrayEquals(Files.readAllBytes(out.resolve("frames/frame000000.png")),
                Files.readAllBytes(out.resolve("frames/frame000004.png")));
    }

    @Test
    @Order(3)
    void aFinishedProjectionsWIsAKeyframeAndTheCliRendersAZSpaceSlerp() throws Exception {
        ModelBundle bundle = localBundle("bundle-p");
        float[] ws = seedWs(bundle, 21L);
        // A finished projection job as issue 5's projector leaves it: its row, and projected_w.npz in the bucket.
        UUID projection = UUID.randomUUID();
        try (var c = FarmTestSupport.db(farm); var s = c.prepareStatement("INSERT INTO jobs (id, tenant_id, kind,"
                + " model_id, spec, state, priority, created_at, updated_at) VALUES (?, 'acme', 'project', ?,"
                + " ?::jsonb, 'SUCCEEDED', 5, now(), now())")) {
            s.setObject(1, projection);
            s.setString(2, FarmTestSupport.modelKey(farm, MODEL));
            s.setString(3, PROJECTION_SPEC);
            s.executeUpdate();
        }
        Path npz = tmp.resolve("projected_w.npz");
        Npz.write(npz, Map.of("w", new Tensor(new int[] {1, bundle.manifest().numWs(), bundle.manifest().wDim()}, ws)));
        var e = farm.endpoints();
        try (Bucket store = new Bucket(BucketSettings.of(e.s3Endpoint(), e.s3AccessKey(), e.s3SecretKey(), e.s3Bucket()))) {
            store.uploadIfAbsent(ObjectKeys.projectedW(projection, 0), npz, "application/octet-stream");
        }
        FarmTestSupport.recordArtifact(farm, projection, ObjectKeys.projectedW(projection, 0), "projected_w", npz);
        UUID id = submit(acme, "{'keyframes': [{'projection': '" + projection + "', 'target': 0}, 21],"
                + " 'kind': 'linear', 'frames_per_keyframe': 3, 'keep_frames': true}");
        JsonNode job = awaitEnd(acme, id);
        assertEquals("SUCCEEDED", job.path("state").asText(), job.toString());
        Path out = tmp.resolve("projection-" + id);
        FarmTestSupport.downloadIntact(acme, id, out);
        // The projection holds seed 21's own ws, so the walk from it to seed 21 stands still.
        assertArrayEquals(Files.readAllBytes(out.resolve("frames/frame000000.png")),
                Files.readAllBytes(out.resolve("frames/frame000003.png")));

        Path cliOut = tmp.resolve("cli-z");
        assertEquals(0, Farm.commandLine().execute("interpolate", "--gateway", farm.gatewayUrl(), "--key",
                farm.adminKey(), "--model", MODEL, "--seeds", "1,2", "--space", "z", "--frames", "5", "--fps", "10",
                "--download", cliOut.toString()));
        try (VideoReader reader = new VideoReader(cliOut.resolve("video.mp4"))) {
            assertEquals(10.0, reader.info().fps(), 1e-9);
            assertEquals(6, reader.countFrames()); // an open walk: (2 − 1) × 5 + 1
        }
    }

    @Test
    @Order(5)
    void aWorkerKilledMidSegmentIsReplacedByARerunAndTheVideoKeepsEveryFrameOnce() throws Exception {
        UUID id = submit(acme, "{'seeds': '11,12,13,14', 'loop': true, 'frames_per_keyframe': 60, 'frames_per_task': 40}");
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(20)).until(() -> FarmTestSupport.count(farm,
                "SELECT count(*) FROM tasks WHERE job_id = ? AND state = 'RUNNING' AND worker_id = 'local-worker-0'", id) > 0);
        farm.workers().get(0).kill();
        farm.workers().get(0).start();
        farm.awaitWorkersJoined(2);
        JsonNode job = awaitEnd(acme, id);
        assertEquals("SUCCEEDED", job.path("state").asText(), job.toString());
        assertTrue(FarmTestSupport.count(farm, "SELECT max(attempt) FROM tasks WHERE job_id = ?", id) > 1,
                "the killed segment was not rendered again");
        Path out = tmp.resolve("killed-" + id);
        FarmTestSupport.downloadIntact(acme, id, out);
        try (VideoReader reader = new VideoReader(out.resolve("video.mp4"))) {
            assertEquals(240, reader.countFrames());
        }
    }

    @Test
    @Order(4)
    void badInterpolationsAreRefusedNamingTheFieldAndStoreNothing() throws Exception {
        UUID generate = submit(acme, null);
        UUID running = UUID.randomUUID();
        UUID foreign = UUID.randomUUID();
        try (var c = FarmTestSupport.db(farm); var s = c.prepareStatement("INSERT INTO jobs (id, tenant_id, kind,"
                + " model_id, spec, state, priority, created_at, updated_at) VALUES (?, ?, 'project', ?, ?::jsonb,"
                + " ?, 5, now(), now())")) {
            for (Object[] row : new Object[][] {{running, "acme", "RUNNING"}, {foreign, "globex", "SUCCEEDED"}}) {
                s.setObject(1, row[0]);
                s.setString(2, (String) row[1]);
                s.setString(3, FarmTestSupport.modelKey(farm, MODEL));
                s.setString(4, PROJECTION_SPEC);
                s.setString(5, (String) row[2]);
                s.executeUpdate();
            }
        }
        long jobsBefore = FarmTestSupport.count(farm, "SELECT count(*) FROM jobs");

        assertRefused("{'seeds': '7'}", 422, "spec.seeds");
        assertRefused("{'keyframes': [1, {'projection': '" + UUID.randomUUID() + "'}]}", 422, "spec.keyframes[1]");
        assertRefused("{'keyframes': [1, {'projection': '" + foreign + "'}]}", 422, "spec.keyframes[1]");
        assertRefused("{'keyframes': [1, {'projection': '" + running + "'}]}", 422, "spec.keyframes[1]");
        assertRefused("{'keyframes': [1, {'projection': '" + generate + "'}]}", 422, "spec.keyframes[1]");
        assertRefused("{'keyframes': [1, {'w': [0.5, 0.5]}]}", 422, "spec.keyframes[1]");
        assertRefused("{'seeds': '1,2,3', 'grid': '2x1'}", 422, "spec.grid");
        assertRefused("{'seeds': '1,2', 'fps': 1000}", 422, "spec.fps");
        assertRefused("{'seeds': '1,2', 'fps': 0}", 422, "spec.fps");
        byte[] quota = "{\"max_images_per_job\": 100}".getBytes(StandardCharsets.UTF_8);
        assertEquals(200, admin.raw("PATCH", "/v1/tenants/globex", "application/json", quota, b -> { }).status());
        GatewayClient.Raw overQuota = FarmTestSupport.postJob(globex, body("{'seeds': '1,2,3', 'grid': '1x1',"
                + " 'frames_per_keyframe': 60}"));
        FarmTestSupport.assertProblem(overQuota, 422, "spec.frames_per_keyframe");
        assertTrue(overQuota.body().contains("max_images_per_job"), overQuota.body());

        assertEquals(jobsBefore, FarmTestSupport.count(farm, "SELECT count(*) FROM jobs"));
        // The stand-in projection job never ran: end it as a crash would have, so it is not left live.
        try (var c = FarmTestSupport.db(farm); var s = c.prepareStatement("UPDATE jobs SET state = 'FAILED',"
                + " finished_at = now() WHERE id = ?")) {
            s.setObject(1, running);
            s.executeUpdate();
        }
    }

    /** The farm's model, byte for byte: the kit's seeded init. */
    private static ModelBundle localBundle(String dir) {
        return ModelKit.writeBundle(ModelKit.randomInit("tiny32", 7), MODEL, tmp.resolve(dir));
    }

    /** A seed's ws [num_ws, w_dim] at ψ = 1: one w on every layer. */
    private static float[] seedWs(ModelBundle bundle, long seed) {
        try (GeneratorSession session = GeneratorSession.open(bundle, SessionSettings.defaults())) {
            return WalkRenderer.seedWs(session, List.of(seed), 1f, null).get(0);
        }
    }

    private static void assertRefused(String spec, int status, String field) {
        FarmTestSupport.assertProblem(FarmTestSupport.postJob(acme, body(spec)), status, field);
    }

    private static String body(String spec) {
        return ("{'kind': 'interpolate', 'model': '" + MODEL + "', 'spec': " + spec + "}").replace('\'', '"');
    }

    /** An interpolation job, or with a null spec a small generate job (to have a job that is not a projection). */
    private static UUID submit(GatewayClient client, String spec) throws Exception {
        String body = spec == null ? "{\"kind\":\"generate\",\"model\":\"" + MODEL + "\",\"spec\":{\"seeds\":\"0-1\"}}"
                : body(spec);
        GatewayClient.Raw response = FarmTestSupport.postJob(client, body);
        assertEquals(202, response.status(), response.body());
        return UUID.fromString(response.json().path("id").asText());
    }

    private static JsonNode awaitEnd(GatewayClient client, UUID id) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200)).until(() -> {
            last[0] = client.job(id);
            return List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(last[0].path("state").asText());
        });
        return last[0];
    }

    /** Each 2×2 block's mean: the decoded ×2 frame back at the model's size. */
    private static byte[] halve(byte[] rgb, int width, int height) {
        byte[] out = new byte[rgb.length / 4];
        for (int y = 0; y < height / 2; y++) {
            for (int x = 0; x < width / 2; x++) {
                for (int ch = 0; ch < 3; ch++) {
                    int sum = 0;
                    for (int d = 0; d < 4; d++) {
                        sum += rgb[((2 * y + d / 2) * width + 2 * x + d % 2) * 3 + ch] & 0xff;
                    }
                    out[(y * (width / 2) + x) * 3 + ch] = (byte) Math.round(sum / 4.0);
                }
            }
        }
        return out;
    }

    private static byte[] crop(byte[] frame, int cell) {
        byte[] out = new byte[RESOLUTION * RESOLUTION * 3];
        int width = 2 * RESOLUTION;
        for (int y = 0; y < RESOLUTION; y++) {
            System.arraycopy(frame, (y * width + cell * RESOLUTION) * 3, out, y * RESOLUTION * 3, RESOLUTION * 3);
        }
        return out;
    }

    private static double psnr(byte[] a, byte[] b) {
        double se = 0;
        for (int i = 0; i < a.length; i++) {
            double d = (a[i] & 0xff) - (b[i] & 0xff);
            se += d * d;
        }
        return se == 0 ? 99 : 10 * Math.log10(255.0 * 255.0 * a.length / se);
    }
}
