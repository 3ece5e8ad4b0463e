package ai.stylefarm.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stylefarm.cli.client.GatewayClient;
import ai.stylefarm.cli.local.LocalFarm;
import ai.stylefarm.cli.local.LocalFarmConfig;
import ai.stylefarm.infra.StackConfig;
import ai.stylefarm.modelkit.io.Npz;
import ai.stylefarm.modelkit.stylegan.Tensor;
import ai.stylefarm.modelkit.video.VideoReader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Projection and calibration on the real stack with NVIDIA's fixture network: does the farm tell the images this
 * generator made from photographs and from another generator's images?
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FarmProjectionTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MODEL = "ada";
    private static final String OTHER_MODEL = "ada-b";
    /** The bundled demo generator, trained on Fashion-MNIST. */
    private static final String TRAINED_MODEL = "fashion-mnist-32";
    private static final String SHARED_MODEL = "shared";
    /** Registered as a bundle from before projection: its model.json lists no step graph. */
    private static final String OLD_MODEL = "old";

    @TempDir
    static Path tmp;

    static Path resources;
    static LocalFarm farm;
    static GatewayClient acme;
    static GatewayClient globex;

    @BeforeAll
    static void startFarm() {
        Path home = LocalFarmConfig.findHome();
        resources = home.resolve("modelkit/src/test/resources");
        farm = LocalFarm.start(new LocalFarmConfig(home, StackConfig.defaults(tmp.resolve("farm")), 0, 0, 2,
                FarmTestSupport.settings(Map.of("worker.heartbeat.seconds", "1"))), "sfk_projection-" + UUID.randomUUID());
        GatewayClient admin = new GatewayClient(farm.gatewayUrl(), farm.adminKey());
        admin.registerRandomModel(SHARED_MODEL, "tiny32", 1, true);
        admin.registerRandomModel(OLD_MODEL, "tiny32", 2, true);
        FarmTestSupport.Tenants tenants = FarmTestSupport.Tenants.create(admin);
        acme = tenants.acme();
        globex = tenants.globex();
        acme.uploadModel(MODEL, resources.resolve("fixtures/stylegan2-ada-A/network-snapshot.pkl"));
        acme.uploadModel(OTHER_MODEL, resources.resolve("fixtures/stylegan2-ada-B/network-snapshot.pkl"));
        farm.awaitWorkersJoined(2);
        try {
            Thread.sleep(3000); // past the scheduler's group refresh, so both workers get tasks
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
    void calibratingOnSixteenOwnImagesAndSixteenPhotographsSeparatesThemAndStoresTheThreshold() throws Exception {
        // Before any calibration a verdict says so, and takes no side.
        UUID early = submit(acme, "project", MODEL, "{'targets': [{'upload': '" + upload(acme, photo(1)) + "'}],"
                + " 'steps': 10}");
        assertEquals("SUCCEEDED", awaitEnd(early, Duration.ofMinutes(2)).path("state").asText());
        Path earlyOut = tmp.resolve("uncalibrated");
        FarmTestSupport.downloadIntact(acme, early, earlyOut);
        JsonNode verdict = JSON.readTree(earlyOut.resolve("projections/000000/metrics.json").toFile()).path("verdict");
        assertEquals("uncalibrated", verdict.path("status").asText());
        assertTrue(verdict.path("generated_by_model").isNull() && verdict.path("threshold").isNull(), verdict.toString());
        assertTrue(Files.readAllLines(earlyOut.resolve("report.csv")).get(1).contains(",uncalibrated,"));

        List<String> uploads = new ArrayList<>();
        for (int i = 1; i <= 16; i++) {
            uploads.add("{'upload': '" + upload(acme, photo(i + (i - 1) / 2)) + "'}");
        }
        // Positives made as fakes are made: both noise modes, ψ 0.5 to 1, JPEG and resizing both ways.
        UUID id = submit(acme, "calibrate", MODEL, "{'positives': 16, 'negatives': " + uploads + ", 'fpr': 0.05,"
                + " 'positive_noise_modes': ['const', 'random'], 'positive_psi': [0.5, 1],"
                + " 'perturbations': ['none', 'jpeg80', 'resize0.5-bilinear', 'resize2-bicubic+jpeg90']}");
        JsonNode job = awaitEnd(id, Duration.ofMinutes(10));
        assertEquals("SUCCEEDED", job.path("state").asText(), job.toString());
        assertEquals(2L, FarmTestSupport.count(farm, "SELECT count(DISTINCT worker_id) FROM tasks WHERE job_id = ?", id),
                "targets were projected on both workers");

        Path out = tmp.resolve("calibration");
        FarmTestSupport.downloadIntact(acme, id, out);
        JsonNode calibration = JSON.readTree(out.resolve("report.json").toFile()).path("calibration");
        System.out.println("calibration on fixture A: " + calibration.path("distances"));
        assertTrue(calibration.path("auc").asDouble() >= 0.95, "AUC " + calibration.path("auc"));
        double ownMedian = calibration.path("distances").path("positives").path("median").asDouble();
        double photoMedian = calibration.path("distances").path("negatives").path("median").asDouble();
        assertTrue(photoMedian > 2 * ownMedian, "medians: own " + ownMedian + ", photographs " + photoMedian);
        JsonNode variants = calibration.path("variants");
        assertEquals(8, variants.size(), "each noise mode with each perturbation: " + variants);
        for (JsonNode v : variants) {
            assertEquals(2, v.path("positives").asInt(), v.toString());
            assertTrue(v.path("auc").asDouble() >= 0.9, "AUC per variant: " + variants);
        }
        JsonNode jpegPositive = JSON.readTree(out.resolve("projections/000002/metrics.json").toFile());
        assertEquals("jpeg80", jpegPositive.path("render").path("perturbation").asText(), jpegPositive.toString());
        assertTrue(jpegPositive.path("latent_distance").asDouble() > 0, jpegPositive.toString());
        double threshold = calibration.path("threshold").asDouble();
        assertTrue(calibration.path("fpr").asDouble() <= 0.05);
        assertEquals(threshold, model(MODEL).path("projection_threshold").asDouble(), 1e-12);
        List<String> csv = Files.readAllLines(out.resolve("report.csv"));
        assertEquals(33, csv.size(), "a header and one row per image");
        assertTrue(csv.stream().noneMatch(row -> row.contains(",uncalibrated,")), "judged by the threshold it found");
        JSON.readTree(out.resolve("report.json").toFile()).path("targets").forEach(t ->
                assertEquals(threshold, t.path("verdict").path("threshold").asDouble(), 1e-12, t.toString()));

        // The CLI names the job by the start of its id and lists every target with its verdict.
        CliRun shown = CliRun.of("job", id.toString().substring(0, 8), "--gateway", farm.gatewayUrl(), "--key",
                acme.apiKey());
        assertEquals(0, shown.exit(), shown.err());
        List<String> rows = shown.out().lines().filter(l -> l.matches(" *[0-9]+  .*")).toList();
        assertEquals(32, rows.size(), shown.out());
        assertTrue(rows.stream().allMatch(r -> r.contains("made by this model")), shown.out());
        assertTrue(shown.out().contains("threshold") && shown.out().contains("label"), shown.out());
        CliRun models = CliRun.of("models", "list", "--gateway", farm.gatewayUrl(), "--key", acme.apiKey());
        assertTrue(models.out().lines().anyMatch(l -> l.startsWith(MODEL + " ")
                && l.endsWith(String.format(java.util.Locale.ROOT, "%.4g", threshold))), models.out());
        assertTrue(Files.isRegularFile(out.resolve("projections/000000/projected_w.npz")));
    }

    @Test
    @Order(2)
    void projectionsOfTheModelsOwnImagesAreJudgedItsAndAPhotographIsNot() throws Exception {
        UUID generated = submit(acme, "generate", MODEL, "{'seeds': '5'}");
        assertEquals("SUCCEEDED", awaitEnd(generated, Duration.ofMinutes(2)).path("state").asText());
        String ownPng = upload(acme, resources.resolve("fixtures/stylegan2-ada-A/projection_target_seed3.png"));
        String photo = upload(acme, photo(24));
        UUID id = submit(acme, "project", MODEL, "{'targets': [{'upload': '" + ownPng + "'}, {'job': '" + generated
                + "', 'key': 'jobs/" + generated + "/images/seed00000005.png'}, {'upload': '" + photo + "'}]}");
        JsonNode job = awaitEnd(id, Duration.ofMinutes(5));
        assertEquals("SUCCEEDED", job.path("state").asText(), job.toString());
        assertEquals(3, job.path("items").path("done").asLong());

        Path out = tmp.resolve("projection");
        FarmTestSupport.downloadIntact(acme, id, out);
        boolean[] expected = {true, true, false};
        double threshold = model(MODEL).path("projection_threshold").asDouble();
        for (int t = 0; t < 3; t++) {
            Path dir = out.resolve(String.format("projections/%06d", t));
            JsonNode metrics = JSON.readTree(dir.resolve("metrics.json").toFile());
            JsonNode verdict = metrics.path("verdict");
            assertEquals("calibrated", verdict.path("status").asText());
            assertEquals(threshold, verdict.path("threshold").asDouble(), 1e-12);
            assertEquals(expected[t], verdict.path("generated_by_model").asBoolean(), metrics.toString());
            assertEquals(1000, metrics.path("steps").asInt());
            assertEquals(10 * Math.log10(4 / metrics.path("mse").asDouble()), metrics.path("psnr").asDouble(), 1e-9);
            // NVIDIA's format: key w, float32 [1, num_ws, w_dim]; space w repeats one w on every layer.
            Tensor w = Npz.read(dir.resolve("projected_w.npz")).get("w");
            assertTrue(w.hasShape(1, 8, 64), w.shapeString());
            float[] first = Arrays.copyOfRange(w.data(), 0, 64);
            for (int row = 1; row < 8; row++) {
                assertTrue(Arrays.equals(first, Arrays.copyOfRange(w.data(), row * 64, row * 64 + 64)), "row " + row);
            }
            assertEquals(7, Npz.read(dir.resolve("projected_noise.npz")).size(), "one map per noise input");
            for (String png : List.of("proj.png", "target.png")) {
                BufferedImage img = ImageIO.read(dir.resolve(png).toFile());
                assertEquals(32, img.getWidth(), png);
            }
        }
        JsonNode report = JSON.readTree(out.resolve("report.json").toFile());
        assertEquals(2, report.path("generated_by_model").asInt());
        List<String> csv = Files.readAllLines(out.resolve("report.csv"));
        assertEquals(4, csv.size());
        assertTrue(csv.get(3).contains(",false,"), csv.get(3));
    }

    @Test
    @Order(3)
    void theCliProjectsAFileAndItsVideoShowsTargetBesideSynthesisForEveryStep() throws Exception {
        Path cliOut = tmp.resolve("cli-project");
        CliRun project = CliRun.of("project", "--gateway", farm.gatewayUrl(), "--key", acme.apiKey(),
                "--model", MODEL, photo(3).toString(), "--steps", "40", "--space", "w_plus", "--video", "--download",
                cliOut.toString());
        assertEquals(0, project.exit(), project.err());
        assertTrue(project.out().lines().anyMatch(l -> l.matches(" *0  " + photo(3).getFileName() + " +[0-9.e+-]+ +"
                + "[0-9.]+ dB +[0-9.e+-]+  (not )?made by this model")), project.out());
        Path dir = cliOut.resolve("projections/000000");
        assertEquals("w_plus", JSON.readTree(dir.resolve("metrics.json").toFile()).path("space").asText());
        try (VideoReader reader = new VideoReader(dir.resolve("proj.mp4"))) {
            assertEquals(40, reader.countFrames());
            assertEquals(2 * reader.info().height(), reader.info().width(), "target | synthesis");
        }
        String metrics = scrape(farm.workerMetricsUrl(0)) + scrape(farm.workerMetricsUrl(1));
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("stylefarm_projection_steps_total{") && l.contains(MODEL)
                && !l.endsWith(" 0.0")), "projection steps are counted");

        // The projection is a keyframe of a walk, named by the start of its job's id; the video's options from the CLI.
        String projection = project.out().lines().filter(l -> l.startsWith("job ")).findFirst().orElseThrow()
                .split(" ")[1];
        Path walkOut = tmp.resolve("cli-walk");
        CliRun walk = CliRun.of("interpolate", "--gateway", farm.gatewayUrl(), "--key", acme.apiKey(), "--model", MODEL,
                "--keyframes", "7," + projection.substring(0, 8) + ":0,11", "--frames", "3", "--fps", "6", "--crf",
                "30", "--scale", "2", "--noise-mode", "random", "--download", walkOut.toString());
        assertEquals(0, walk.exit(), walk.err());
        assertTrue(walk.err().contains("7/7 frames"), walk.err());
        UUID walkId = UUID.fromString(walk.out().lines().findFirst().orElseThrow().split(" ")[1]);
        JsonNode spec = acme.job(walkId).path("spec");
        assertEquals(projection, spec.path("keyframes").get(1).path("projection").asText(), spec.toString());
        assertEquals(30, spec.path("crf").asInt());
        assertEquals("random", spec.path("noise_mode").asText());
        try (VideoReader reader = new VideoReader(walkOut.resolve("video.mp4"))) {
            assertEquals(7, reader.countFrames());
            assertEquals(64, reader.info().width(), "scaled 2x");
        }
    }

    @Test
    @Order(4)
    void anotherGeneratorsImagesAreNegativesToo() throws Exception {
        UUID id = submit(acme, "calibrate", MODEL, "{'positives': 8, 'negative_model': '" + OTHER_MODEL
                + "', 'steps': 300}");
        JsonNode job = awaitEnd(id, Duration.ofMinutes(6));
        assertEquals("SUCCEEDED", job.path("state").asText(), job.toString());
        Path out = tmp.resolve("calibration-b");
        FarmTestSupport.downloadIntact(acme, id, out);
        JsonNode calibration = JSON.readTree(out.resolve("report.json").toFile()).path("calibration");
        System.out.println("calibration on fixture A against fixture B's renders: " + calibration.path("distances"));
        assertTrue(calibration.path("auc").asDouble() >= 0.95, "AUC " + calibration.path("auc"));
        JsonNode negative = JSON.readTree(out.resolve("projections/000008/metrics.json").toFile());
        assertEquals(OTHER_MODEL, negative.path("target_model").asText());
        assertEquals("negative", negative.path("label").asText());
    }

    @Test
    @Order(5)
    void badTargetsAreRefusedNamingTheFieldAndAMissingArtifactFailsTheJobWithAReason() throws Exception {
        String upload = upload(acme, photo(1));
        String foreignUpload = upload(globex, photo(2));
        UUID generated = submit(acme, "generate", MODEL, "{'seeds': '6'}");
        long jobsBefore = FarmTestSupport.count(farm, "SELECT count(*) FROM jobs");

        refused("project", MODEL, "{'targets': [{'upload': '" + UUID.randomUUID() + "'}]}", "spec.targets[0].upload");
        refused("project", MODEL, "{'targets': [{'upload': '" + foreignUpload + "'}]}", "spec.targets[0].upload");
        refused("project", MODEL, "{'targets': [{'job': '" + UUID.randomUUID() + "', 'key': 'jobs/x/a.png'}]}",
                "spec.targets[0].key");
        refused("project", MODEL, "{'targets': [{'job': '" + generated + "', 'key': 'models/ada/model.json'}]}",
                "spec.targets[0].key");
        UUID strangers = UUID.randomUUID();
        refused("project", MODEL, "{'targets': [{'job': '" + strangers + "', 'key': 'jobs/" + strangers + "/a.png'}]}",
                "spec.targets[0].job");
        refused("project", MODEL, "{'targets': [{'upload': '" + upload + "'}], 'steps': 0}", "spec.steps");
        refused("project", MODEL, "{'targets': [{'upload': '" + upload + "'}], 'space': 'z'}", "spec.space");
        refused("project", MODEL, "{'targets': []}", "spec.targets");
        refused("project", OTHER_MODEL, "{'targets': [{'upload': '" + upload + "'}]}", "model");
        refused("calibrate", MODEL, "{'positives': 4}", "spec.negatives");
        refused("calibrate", MODEL, "{'negative_model': 'nope'}", "spec.negative_model");
        refused("calibrate", MODEL, "{'negative_model': '" + MODEL + "'}", "spec.negative_model");
        // Verdicts of every tenant use a shared model's threshold: only an admin may set it.
        refused("calibrate", SHARED_MODEL, "{'negative_model': '" + MODEL + "'}", "model");
        refused("project", MODEL, "{'targets': [{'upload': '" + upload + "', 'name': '" + "x".repeat(1025) + "'}]}",
                "spec.targets[0].name");
        try (var c = FarmTestSupport.db(farm); var s = c.prepareStatement("UPDATE models SET metadata = metadata"
                + " #- '{files,projection_step.onnx}' WHERE slug = ?")) {
            s.setString(1, OLD_MODEL);
            s.executeUpdate();
        }
        refused("project", OLD_MODEL, "{'targets': [{'upload': '" + upload + "'}]}", "model");
        assertEquals(jobsBefore, FarmTestSupport.count(farm, "SELECT count(*) FROM jobs"), "nothing was stored");

        String lost = "jobs/" + generated + "/images/seed00000099.png";
        refused("project", MODEL, "{'targets': [{'job': '" + generated + "', 'key': '" + lost + "'}]}",
                "spec.targets[0].key");
        // An output recorded but lost from storage after the job was accepted: the task fails, saying so.
        Path empty = Files.createTempFile(tmp, "lost", ".png");
        FarmTestSupport.recordArtifact(farm, generated, lost, "image", empty);
        UUID id = submit(acme, "project", MODEL, "{'targets': [{'job': '" + generated + "', 'key': '" + lost
                + "'}], 'steps': 10}");
        JsonNode job = awaitEnd(id, Duration.ofMinutes(2));
        try (var c = FarmTestSupport.db(farm); var s = c.prepareStatement("DELETE FROM artifacts WHERE key = ?")) {
            s.setString(1, lost);
            s.executeUpdate();
        }
        assertEquals("FAILED", job.path("state").asText());
        assertTrue(job.path("error").asText().contains("does not exist"), job.toString());
    }

    @Test
    @Order(6)
    void theCliCalibratesAgainstADirectoryOfImagesAndStoresANewThreshold() throws Exception {
        Path negatives = Files.createDirectories(tmp.resolve("negatives"));
        Files.copy(photo(9), negatives.resolve("a.png"));
        Files.copy(photo(12), negatives.resolve("b.png"));
        Files.writeString(negatives.resolve("notes.txt"), "not an image, skipped");
        double before = model(MODEL).path("projection_threshold").asDouble();
        assertEquals(0, Farm.commandLine().execute("calibrate", "--gateway", farm.gatewayUrl(), "--key",
                acme.apiKey(), "--model", MODEL, "--negatives", negatives.toString(), "--steps", "30"));
        double after = model(MODEL).path("projection_threshold").asDouble();
        assertTrue(after > 0 && after != before, before + " then " + after);
    }

    @Test
    @Order(7)
    void theTrainedGeneratorsOwnJpegRenderedWithRandomNoiseIsCloserThanAPhotograph() throws Exception {
        acme.uploadModel(TRAINED_MODEL, LocalFarmConfig.findHome().resolve(
                "cli/src/main/resources/demo/fashion-mnist-32/network-snapshot.pkl"));
        // Made as many published fakes are: noise mode random, truncated, saved as JPEG.
        UUID generated = submit(acme, "generate", TRAINED_MODEL, "{'seeds': '7', 'noise_mode': 'random',"
                + " 'truncation_psi': 0.7, 'format': 'jpeg', 'jpeg_quality': 80}");
        assertEquals("SUCCEEDED", awaitEnd(generated, Duration.ofMinutes(2)).path("state").asText());
        String photo = upload(acme, photo(5));
        UUID id = submit(acme, "project", TRAINED_MODEL, "{'targets': [{'job': '" + generated + "', 'key': 'jobs/"
                + generated + "/images/seed00000007.jpg'}, {'upload': '" + photo + "'}]}");
        JsonNode job = awaitEnd(id, Duration.ofMinutes(5));
        assertEquals("SUCCEEDED", job.path("state").asText(), job.toString());
        Path out = tmp.resolve("trained");
        FarmTestSupport.downloadIntact(acme, id, out);
        JsonNode own = JSON.readTree(out.resolve("projections/000000/metrics.json").toFile());
        JsonNode other = JSON.readTree(out.resolve("projections/000001/metrics.json").toFile());
        assertTrue(own.path("distance").asDouble() < other.path("distance").asDouble(), own + " vs " + other);
        assertTrue(own.path("latent_distance").asDouble() < 1.6, "a typical latent: " + own);
        assertEquals(own.path("latent_distance").asDouble() + 2 * own.path("residual").asDouble(),
                own.path("distance").asDouble(), 1e-9);
    }

    private static Path photo(int n) {
        return resources.resolve(String.format("photos/photo-%02d.png", n));
    }

    private static String upload(GatewayClient client, Path file) {
        return client.uploadImage(file).path("id").asText();
    }

    private static JsonNode model(String id) {
        for (JsonNode m : acme.models()) {
            if (m.path("id").asText().equals(id)) {
                return m;
            }
        }
        throw new AssertionError("no model " + id);
    }

    private static String body(String kind, String model, String spec) {
        return "{\"kind\":\"" + kind + "\",\"model\":\"" + model + "\",\"spec\":" + spec.replace('\'', '"') + "}";
    }

    private static UUID submit(GatewayClient client, String kind, String model, String spec) throws Exception {
        GatewayClient.Raw response = FarmTestSupport.postJob(client, body(kind, model, spec));
        assertEquals(202, response.status(), response.body());
        return UUID.fromString(response.json().path("id").asText());
    }

    private static void refused(String kind, String model, String spec, String field) {
        FarmTestSupport.assertProblem(FarmTestSupport.postJob(acme, body(kind, model, spec)), 422, field);
    }

    private static JsonNode awaitEnd(UUID id, Duration limit) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(limit).pollInterval(Duration.ofMillis(500)).until(() -> {
            last[0] = acme.job(id);
            return List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(last[0].path("state").asText());
        });
        assertFalse(last[0].isMissingNode());
        return last[0];
    }

    private static String scrape(String url) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        return r.body();
    }
}
