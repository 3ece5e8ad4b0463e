package ai.stylefarm.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stylefarm.cli.client.GatewayClient;
import ai.stylefarm.cli.local.LocalFarm;
import ai.stylefarm.cli.local.LocalFarmConfig;
import ai.stylefarm.infra.StackConfig;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a multi-tenant service owes its tenants and operators beyond rendering, on the real stack: keys revoked and
 * rotated, tenants disabled, jobs, uploads and models deleted (and refused while in use), model ids per tenant and
 * their quota, outputs expired by retention, and {@code ./farm verify} and {@code ./farm download} telling a job's
 * stored outputs from its records.
 */
class FarmLifecycleTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MODEL = "tiny";
    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    @TempDir
    static Path tmp;

    static LocalFarm farm;
    static GatewayClient admin;
    static GatewayClient acme;
    static GatewayClient globex;
    static MinioClient s3;
    static String bucket;

    @BeforeAll
    static void startFarm() {
        farm = LocalFarm.start(new LocalFarmConfig(LocalFarmConfig.findHome(), StackConfig.defaults(tmp.resolve("farm")),
                0, 0, 1, FarmTestSupport.settings(Map.of("scheduler.seeds-per-task", "16"))),
                "sfk_lifecycle-" + UUID.randomUUID());
        admin = new GatewayClient(farm.gatewayUrl(), farm.adminKey());
        admin.registerRandomModel(MODEL, "tiny32", 7, true);
        FarmTestSupport.Tenants tenants = FarmTestSupport.Tenants.create(admin);
        acme = tenants.acme();
        globex = tenants.globex();
        var e = farm.endpoints();
        s3 = MinioClient.builder().endpoint(e.s3Endpoint()).credentials(e.s3AccessKey(), e.s3SecretKey()).build();
        bucket = e.s3Bucket();
    }

    @AfterAll
    static void stopFarm() {
        FarmTestSupport.verifyEveryJobAndClose(farm);
    }

    @Test
    void keysAreRotatedAndRevokedByAdminsAndByUsersForTheirOwn() {
        admin.createTenant("hooli");
        GatewayClient k1 = admin.withKey(issue("hooli", "user", "ci"));
        assertEquals(200, status(k1, "GET", "/v1/jobs"));
        JsonNode listed = k1.raw("GET", "/v1/keys", null, null, b -> { }).json();
        assertEquals(1, listed.size());
        assertEquals("ci", listed.get(0).path("label").asText());
        assertFalse(listed.get(0).has("key") || listed.get(0).has("key_hash"), listed.toString());

        JsonNode rotated = k1.raw("POST", "/v1/keys/current/rotate", null, null, b -> { }).json();
        GatewayClient k2 = admin.withKey(rotated.path("key").asText());
        assertEquals("ci", rotated.path("label").asText());
        assertEquals("user", rotated.path("role").asText());
        assertEquals(401, status(k1, "GET", "/v1/jobs"), "a rotated key stops at once");
        assertEquals(200, status(k2, "GET", "/v1/jobs"));

        JsonNode keys = admin.raw("GET", "/v1/tenants/hooli/keys", null, null, b -> { }).json();
        assertEquals(2, keys.size());
        assertTrue(keys.get(0).hasNonNull("revoked_at"), keys.toString());
        assertEquals(200, admin.raw("DELETE", "/v1/tenants/hooli/keys/" + rotated.path("id").asText(), null, null,
                b -> { }).status());
        assertEquals(401, status(k2, "GET", "/v1/jobs"), "a revoked key stops at once");

        GatewayClient k3 = admin.withKey(issue("hooli", "user", "batch"));
        String k3Id = k3.raw("GET", "/v1/keys", null, null, b -> { }).json().get(2).path("id").asText();
        GatewayClient k4 = admin.withKey(admin.raw("POST", "/v1/tenants/hooli/keys/" + k3Id + "/rotate", null, null,
                b -> { }).json().path("key").asText());
        assertEquals(401, status(k3, "GET", "/v1/jobs"));
        assertEquals(200, status(k4, "GET", "/v1/jobs"));

        GatewayClient hooliAdmin = admin.withKey(issue("hooli", "admin", "ops"));
        String adminKeyId = hooliAdmin.raw("GET", "/v1/keys", null, null, b -> { }).json().get(4).path("id").asText();
        FarmTestSupport.assertProblem(k4.raw("DELETE", "/v1/keys/" + adminKeyId, null, null, b -> { }), 403,
                "Authorization");
        assertEquals(200, status(hooliAdmin, "GET", "/v1/jobs"), "a user cannot revoke its tenant's admin key");
        FarmTestSupport.assertProblem(k4.raw("DELETE", "/v1/keys/" + UUID.randomUUID(), null, null,
                b -> { }), 404, "key");
    }

    @Test
    void aDisabledTenantsKeysStopAndItsLiveJobsAreCancelledUntilItIsEnabledAgain() throws Exception {
        admin.createTenant("initech");
        GatewayClient initech = admin.withKey(issue("initech", "user", null));
        UUID job = submit(initech, "0-9999");
        JsonNode disabled = patch("initech", "{\"disabled\": true}");
        assertTrue(disabled.hasNonNull("disabled_at"), disabled.toString());
        GatewayClient.Raw refused = initech.raw("GET", "/v1/jobs", null, null, b -> { });
        FarmTestSupport.assertProblem(refused, 403, "Authorization");
        assertTrue(refused.body().contains("disabled"), refused.body());
        await().atMost(TIMEOUT).until(() -> "CANCELLED".equals(admin.job(job).path("state").asText()));

        patch("initech", "{\"disabled\": false}");
        assertEquals(200, status(initech, "GET", "/v1/jobs"));
        FarmTestSupport.assertProblem(admin.raw("PATCH", "/v1/tenants/default", "application/json",
                "{\"disabled\": true}".getBytes(StandardCharsets.UTF_8), b -> { }), 409, "disabled");
    }

    @Test
    void aDeletedJobLeavesNeitherObjectsNorRowsAndALiveOneIsNotDeleted() throws Exception {
        UUID live = submit(acme, "0-4999");
        FarmTestSupport.assertProblem(acme.raw("DELETE", "/v1/jobs/" + live, null, null, b -> { }), 409, "id");
        acme.cancel(live);

        UUID job = submit(acme, "0-39");
        assertEquals("SUCCEEDED", awaitEnd(acme, job).path("state").asText());
        assertTrue(objects("jobs/" + job + "/") > 40);
        GatewayClient.Raw deleted = acme.raw("DELETE", "/v1/jobs/" + job, null, null, b -> { });
        assertEquals(202, deleted.status(), deleted.body());
        FarmTestSupport.assertProblem(acme.raw("GET", "/v1/jobs/" + job, null, null, b -> { }), 404, "id");
        assertFalse(acme.raw("GET", "/v1/jobs?limit=1000", null, null, b -> { }).body().contains(job.toString()));
        await().atMost(TIMEOUT).until(() -> objects("jobs/" + job + "/") == 0
                && FarmTestSupport.count(farm, "SELECT count(*) FROM jobs WHERE id = ?", job) == 0);
        for (String table : List.of("tasks", "artifacts", "job_events")) {
            assertEquals(0, FarmTestSupport.count(farm, "SELECT count(*) FROM " + table + " WHERE job_id = ?", job),
                    table);
        }
    }

    @Test
    void anUploadOrModelALiveJobUsesIsNotDeletedAndIsOnceTheJobEnds() throws Exception {
        acme.registerRandomModel("doomed", "tiny32", 3);
        String modelKey = FarmTestSupport.modelKey(farm, "doomed");
        Path image = tmp.resolve("target.png");
        Files.write(image, TestImages.image(32, 32, BufferedImage.TYPE_3BYTE_BGR, "png"));
        String upload = acme.uploadImage(image).path("id").asText();
        ObjectNode spec = JSON.createObjectNode().put("steps", 20000);
        spec.putArray("targets").addObject().put("upload", upload);
        ObjectNode body = JSON.createObjectNode().put("kind", "project").put("model", "doomed");
        body.set("spec", spec);
        UUID job = UUID.fromString(acme.submit(body).path("id").asText());

        FarmTestSupport.assertProblem(acme.raw("DELETE", "/v1/uploads/" + upload, null, null, b -> { }), 409, "id");
        FarmTestSupport.assertProblem(acme.raw("DELETE", "/v1/models/doomed", null, null, b -> { }), 409, "id");
        acme.cancel(job);
        assertEquals("CANCELLED", awaitEnd(acme, job).path("state").asText());

        assertEquals(204, acme.raw("DELETE", "/v1/uploads/" + upload, null, null, b -> { }).status());
        FarmTestSupport.assertProblem(acme.raw("GET", "/v1/uploads/" + upload, null, null, b -> { }), 404, "id");
        assertEquals(0, objects("uploads/acme/" + upload));
        assertEquals(204, acme.raw("DELETE", "/v1/models/doomed", null, null, b -> { }).status());
        FarmTestSupport.assertProblem(acme.raw("GET", "/v1/models/doomed", null, null, b -> { }), 404, "id");
        assertEquals(0, objects("models/" + modelKey + "/"));
        assertEquals("doomed", acme.job(job).path("model").asText(), "an ended job still names its model");
        acme.registerRandomModel("doomed", "tiny32", 4);
        assertNotEquals(modelKey, FarmTestSupport.modelKey(farm, "doomed"), "the id is free again, for a new model");
    }

    @Test
    void modelIdsBelongToTheirTenantAndCountAgainstItsQuota() throws Exception {
        JsonNode acmes = acme.registerRandomModel("mine", "tiny32", 1);
        JsonNode globexes = globex.registerRandomModel("mine", "tiny32", 2);
        assertEquals("acme", acmes.path("tenant").asText());
        assertEquals("globex", globexes.path("tenant").asText());
        assertNotEquals(acmes.path("bundle_sha256").asText(), globexes.path("bundle_sha256").asText());
        assertEquals(acmes.path("bundle_sha256").asText(), acme.raw("GET", "/v1/models/mine", null, null, b -> { })
                .json().path("bundle_sha256").asText());
        assertEquals(globexes.path("bundle_sha256").asText(), globex.raw("GET", "/v1/models/mine", null, null,
                b -> { }).json().path("bundle_sha256").asText());
        UUID job = submit(globex, "mine", "0-3");
        assertEquals("SUCCEEDED", awaitEnd(globex, job).path("state").asText());
        assertEquals(globexes.path("bundle_sha256").asText(), FarmTestSupport.column(farm, "SELECT m.bundle_sha256"
                + " FROM jobs j JOIN models m ON m.id = j.model_id WHERE j.id = ?", job).get(0));

        FarmTestSupport.assertProblem(globex.raw("POST", "/v1/models", "application/json", ("{\"id\": \"" + MODEL
                + "\", \"random_init\": {\"config\": \"tiny32\"}}").getBytes(StandardCharsets.UTF_8), b -> { }), 409,
                "id");
        FarmTestSupport.assertProblem(admin.raw("POST", "/v1/models?shared=true", "application/json",
                "{\"id\": \"mine\", \"random_init\": {\"config\": \"tiny32\"}}".getBytes(StandardCharsets.UTF_8),
                b -> { }), 409, "id");

        long owned = FarmTestSupport.count(farm, "SELECT count(*) FROM models WHERE tenant_id = 'globex'"
                + " AND deleted_at IS NULL");
        patch("globex", "{\"max_models\": " + owned + "}");
        GatewayClient.Raw over = globex.raw("POST", "/v1/models", "application/json",
                "{\"id\": \"one-more\", \"random_init\": {\"config\": \"tiny32\"}}".getBytes(StandardCharsets.UTF_8),
                b -> { });
        FarmTestSupport.assertProblem(over, 429, "max_models");
        patch("globex", "{\"max_models\": 20}");
    }

    @Test
    void aTenantsRetentionPeriodDeletesItsFinishedJobsOutputsAndKeepsTheJob() throws Exception {
        admin.createTenant("umbrella");
        GatewayClient umbrella = admin.withKey(issue("umbrella", "user", null));
        UUID job = submit(umbrella, "0-19");
        assertEquals("SUCCEEDED", awaitEnd(umbrella, job).path("state").asText());
        patch("umbrella", "{\"retention_days\": 1}");
        try (var c = FarmTestSupport.db(farm); var s = c.prepareStatement("UPDATE jobs SET finished_at = now()"
                + " - interval '2 days' WHERE id = ?")) {
            s.setObject(1, job);
            s.executeUpdate();
        }
        await().atMost(TIMEOUT).until(() -> umbrella.job(job).hasNonNull("outputs_deleted_at"));
        assertEquals(0, objects("jobs/" + job + "/"));
        assertEquals(List.of(), umbrella.artifacts(job));
        assertEquals("SUCCEEDED", umbrella.job(job).path("state").asText(), "the job and its history stay");
        assertEquals(DownloadCommand.PARTIAL, cli("download", job.toString(), tmp.resolve("expired").toString(),
                "--key", umbrella.apiKey()).exit());
        patch("umbrella", "{\"retention_days\": null}");
        assertTrue(admin.raw("GET", "/v1/tenants/umbrella", null, null, b -> { }).json().path("retention_days")
                .isMissingNode() || admin.raw("GET", "/v1/tenants/umbrella", null, null, b -> { }).json()
                .path("retention_days").isNull());
    }

    @Test
    void verifyAndDownloadNameEveryOutputThatDiffersFromItsRecord() throws Exception {
        UUID job = submit(acme, "0-19");
        assertEquals("SUCCEEDED", awaitEnd(acme, job).path("state").asText());
        CliRun intact = cli("verify", job.toString(), "--key", acme.apiKey());
        assertEquals(0, intact.exit(), intact.out());
        assertTrue(intact.out().contains("intact"), intact.out());

        String changed = String.format("jobs/%s/images/seed%08d.png", job, 2);
        String missing = String.format("jobs/%s/images/seed%08d.png", job, 3);
        String extra = "jobs/" + job + "/images/stray.png";
        byte[] original = read(changed);
        byte[] removed = read(missing);
        put(changed, "not the image".getBytes(StandardCharsets.UTF_8));
        s3.removeObject(RemoveObjectArgs.builder().bucket(bucket).object(missing).build());
        put(extra, new byte[] {1, 2, 3});
        try {
            CliRun tampered = cli("verify", job.toString(), "--key", acme.apiKey());
            assertEquals(1, tampered.exit(), tampered.out());
            assertTrue(tampered.out().contains("CHANGED   " + changed), tampered.out());
            assertTrue(tampered.out().contains("MISSING   " + missing), tampered.out());
            assertTrue(tampered.out().contains("EXTRA     " + extra), tampered.out());

            CliRun download = cli("download", job.toString(), tmp.resolve("tampered").toString(), "--key", acme.apiKey());
            assertEquals(1, download.exit(), download.err());
            assertTrue(download.err().contains("checksum mismatch") && download.err().contains("seed00000002.png"),
                    download.err());
            assertTrue(download.err().contains("missing") && download.err().contains("seed00000003.png"),
                    download.err());
        } finally {
            put(changed, original);
            put(missing, removed);
            s3.removeObject(RemoveObjectArgs.builder().bucket(bucket).object(extra).build());
        }
        assertEquals(0, cli("verify", job.toString(), "--key", acme.apiKey()).exit());

        UUID running = submit(acme, "100-2099");
        await().atMost(TIMEOUT).until(() -> acme.job(running).path("items").path("done").asLong() > 0);
        CliRun partial = cli("download", running.toString(), tmp.resolve("partial").toString(), "--key", acme.apiKey());
        assertEquals(DownloadCommand.PARTIAL, partial.exit(), partial.err());
        assertTrue(partial.err().contains("partial"), partial.err());
        acme.cancel(running);
    }

    // ---------------------------------------------------------------------------------------------------------

    /** A ./farm command against this farm, its output captured. */
    private static CliRun cli(String... args) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 2);
        all[args.length] = "--gateway";
        all[args.length + 1] = farm.gatewayUrl();
        return CliRun.of(all);
    }

    private static String issue(String tenant, String role, String label) {
        ObjectNode body = JSON.createObjectNode().put("role", role);
        if (label != null) {
            body.put("label", label);
        }
        GatewayClient.Raw issued = admin.raw("POST", "/v1/tenants/" + tenant + "/keys", "application/json",
                body.toString().getBytes(StandardCharsets.UTF_8), b -> { });
        assertEquals(201, issued.status(), issued.body());
        return issued.json().path("key").asText();
    }

    private static JsonNode patch(String tenant, String body) {
        GatewayClient.Raw patched = admin.raw("PATCH", "/v1/tenants/" + tenant, "application/json",
                body.getBytes(StandardCharsets.UTF_8), b -> { });
        assertEquals(200, patched.status(), patched.body());
        return patched.json();
    }

    private static int status(GatewayClient client, String method, String path) {
        return client.raw(method, path, null, null, b -> { }).status();
    }

    private static UUID submit(GatewayClient client, String seeds) {
        return submit(client, MODEL, seeds);
    }

    private static UUID submit(GatewayClient client, String model, String seeds) {
        return UUID.fromString(client.generate(model, JSON.createObjectNode().put("seeds", seeds)).path("id").asText());
    }

    private static JsonNode awaitEnd(GatewayClient client, UUID job) {
        await().atMost(TIMEOUT).until(() -> List.of("SUCCEEDED", "FAILED", "CANCELLED")
                .contains(client.job(job).path("state").asText()));
        return client.job(job);
    }

    private static long objects(String prefix) throws Exception {
        long count = 0;
        for (var item : s3.listObjects(ListObjectsArgs.builder().bucket(bucket).prefix(prefix).recursive(true).build())) {
            count += item.get().objectName().isEmpty() ? 0 : 1;
        }
        return count;
    }

    private static byte[] read(String key) throws Exception {
        try (InputStream in = s3.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
            return in.readAllBytes();
        }
    }

    private static void put(String key, byte[] bytes) throws Exception {
        s3.putObject(PutObjectArgs.builder().bucket(bucket).object(key)
                .stream(new ByteArrayInputStream(bytes), bytes.length, -1).build());
    }
}
