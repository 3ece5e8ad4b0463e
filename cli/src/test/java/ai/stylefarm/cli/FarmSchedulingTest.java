package ai.stylefarm.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stylefarm.cli.client.GatewayClient;
import ai.stylefarm.cli.local.LocalFarm;
import ai.stylefarm.cli.local.LocalFarmConfig;
import ai.stylefarm.infra.StackConfig;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Priorities, fair share between tenants, quotas and lazy planning, on the real stack with one worker. */
class FarmSchedulingTest {
    private static final String MODEL = "small";

    @TempDir
    static Path tmp;

    static LocalFarm farm;
    static GatewayClient admin;
    static GatewayClient acme;
    static GatewayClient globex;

    @BeforeAll
    static void startFarm() {
        farm = LocalFarm.start(new LocalFarmConfig(LocalFarmConfig.findHome(), StackConfig.defaults(tmp.resolve("farm")),
                0, 0, 1, FarmTestSupport.settings(Map.of("scheduler.seeds-per-task", "32"))), "sfk_sched-" + UUID.randomUUID());
        admin = new GatewayClient(farm.gatewayUrl(), farm.adminKey());
        admin.registerRandomModel(MODEL, "small64", 2, true);
        FarmTestSupport.Tenants tenants = FarmTestSupport.Tenants.create(admin);
        acme = tenants.acme();
        globex = tenants.globex();
    }

    @AfterAll
    static void stopFarm() {
        FarmTestSupport.verifyEveryJobAndClose(farm);
    }

    @AfterEach
    void cancelWhatIsLeft() {
        for (GatewayClient client : new GatewayClient[] {acme, globex}) {
            for (JsonNode job : client.jobs(null, 100).path("items")) {
                if (Set.of("QUEUED", "PLANNED", "RUNNING").contains(job.path("state").asText())) {
                    client.cancel(UUID.fromString(job.path("id").asText()));
                }
            }
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> count("SELECT count(*) FROM jobs"
                + " WHERE state IN ('QUEUED', 'PLANNED', 'RUNNING')") == 0);
    }

    @Test
    void anInteractiveJobSubmittedBehindARunningBulkJobFinishesWithinSeconds() {
        UUID bulk = submit(acme, "0-199999", "bulk");
        await().atMost(Duration.ofMinutes(1)).until(() -> acme.job(bulk).path("items").path("done").asLong() > 0);

        long start = System.nanoTime();
        UUID interactive = submit(acme, "0-9", "interactive");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> "SUCCEEDED".equals(acme.job(interactive).path("state").asText()));
        double seconds = (System.nanoTime() - start) / 1e9;
        // One worker holds at most two released tasks (one running, one queued) of ~0.5 s each.
        assertTrue(seconds < 10, "the interactive job took " + seconds + " s behind the bulk job");
        assertEquals("RUNNING", acme.job(bulk).path("state").asText());
    }

    @Test
    void twoTenantsBulkJobsShareTheWorkerRoughlyEvenly() throws Exception {
        UUID first = submit(acme, "0-199999", "bulk");
        await().atMost(Duration.ofMinutes(1)).until(() -> acme.job(first).path("items").path("done").asLong() > 0);
        UUID second = submit(globex, "0-199999", "bulk");
        long acmeAtStart = acme.job(first).path("items").path("done").asLong();
        Thread.sleep(15_000);
        long acmeDone = acme.job(first).path("items").path("done").asLong() - acmeAtStart;
        long globexDone = globex.job(second).path("items").path("done").asLong();
        double share = globexDone / (double) (acmeDone + globexDone);
        assertTrue(share > 0.3 && share < 0.7, "globex got " + globexDone + " images, acme " + acmeDone
                + " in the same 15 s: share " + share);
    }

    @Test
    void aTenMillionSeedJobIsAcceptedAtOnceAndItsTasksAreCreatedAWindowAtATime() throws Exception {
        long start = System.nanoTime();
        UUID job = submit(acme, "0-9999999", "bulk");
        double acceptSeconds = (System.nanoTime() - start) / 1e9;
        assertTrue(acceptSeconds < 5, "accepting took " + acceptSeconds + " s");
        await().atMost(Duration.ofMinutes(1)).until(() -> acme.job(job).path("items").path("done").asLong() > 0);
        JsonNode view = acme.job(job);
        assertEquals(10_000_000, view.path("items").path("total").asLong());
        assertEquals(312_500, view.path("tasks").path("total").asInt());
        long rows = count("SELECT count(*) FROM tasks WHERE job_id = '" + job + "'");
        assertTrue(rows <= 512, rows + " task rows exist for a job just started");
    }

    @Test
    void aJobOverItsTenantsQuotaGetsA4xxThatNamesTheLimit() {
        byte[] quota = "{\"max_images_per_job\": 1000, \"max_open_jobs\": 1}".getBytes(StandardCharsets.UTF_8);
        assertEquals(200, admin.raw("PATCH", "/v1/tenants/globex", "application/json", quota, b -> { }).status());
        try {
            GatewayClient.Raw tooBig = post(globex, "0-1000");
            assertEquals(422, tooBig.status(), tooBig.body());
            assertTrue(tooBig.body().contains("max_images_per_job = 1000"), tooBig.body());

            submit(globex, "0-999", "bulk");
            GatewayClient.Raw tooMany = post(globex, "0-9");
            assertEquals(429, tooMany.status(), tooMany.body());
            assertEquals("max_open_jobs", tooMany.json().path("field").asText(), tooMany.body());
        } finally {
            admin.raw("PATCH", "/v1/tenants/globex", "application/json",
                    "{\"max_images_per_job\": 10000000, \"max_open_jobs\": 100}".getBytes(StandardCharsets.UTF_8), b -> { });
        }
    }

    private static UUID submit(GatewayClient client, String seeds, String priority) {
        JsonNode job = client.submit(JsonNodeFactory.instance.objectNode().put("kind", "generate").put("model", MODEL)
                .put("priority", priority).set("spec", JsonNodeFactory.instance.objectNode().put("seeds", seeds)));
        return UUID.fromString(job.path("id").asText());
    }

    private static GatewayClient.Raw post(GatewayClient client, String seeds) {
        String body = "{\"kind\":\"generate\",\"model\":\"" + MODEL + "\",\"spec\":{\"seeds\":\"" + seeds + "\"}}";
        return client.raw("POST", "/v1/jobs", "application/json", body.getBytes(StandardCharsets.UTF_8), b -> { });
    }

    private static long count(String sql) throws Exception {
        return FarmTestSupport.count(farm, sql);
    }
}
