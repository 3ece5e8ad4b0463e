package ai.stylefarm.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stylefarm.cli.client.GatewayClient;
import ai.stylefarm.cli.local.LocalFarm;
import ai.stylefarm.cli.local.LocalFarmConfig;
import ai.stylefarm.cli.local.ServiceProcess;
import ai.stylefarm.infra.StackConfig;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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

/**
 * The control plane as production runs it, on a three-node Kafka (replication 3, min.insync.replicas 2): two of
 * each service, one scheduler and one outbox relay active at a time (PostgreSQL advisory-lock leases), the other
 * taking over when the active one is killed, and a Kafka node killed mid-job; every job ends SUCCEEDED and intact.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FarmControlPlaneTest {
    private static final String MODEL = "tiny";

    @TempDir
    static Path tmp;

    static LocalFarm farm;
    static GatewayClient admin;

    @BeforeAll
    static void startFarm() {
        farm = LocalFarm.start(new LocalFarmConfig(LocalFarmConfig.findHome(),
                StackConfig.defaults(tmp.resolve("farm")).withKafkaNodes(3), 0, 0, 1, FarmTestSupport.settings(Map.of("scheduler.seeds-per-task", "4"))),
                "sfk_control-" + UUID.randomUUID());
        admin = new GatewayClient(farm.gatewayUrl(), farm.adminKey());
        admin.registerRandomModel(MODEL, "tiny32", 0);
    }

    @AfterAll
    static void stopFarm() {
        FarmTestSupport.verifyEveryJobAndClose(farm);
    }

    @Test
    @Order(1)
    void theStandbySchedulerTakesOverWithinSecondsWhenTheActiveOneIsKilled() throws Exception {
        ServiceProcess standby = farm.startSecond("scheduler");
        await().atMost(Duration.ofSeconds(30)).until(() -> leads(farm.scheduler()) && !leads(standby));

        UUID job = submit(admin, "{'seeds': '0-159'}");
        await().atMost(Duration.ofMinutes(2)).until(() -> admin.job(job).path("items").path("done").asLong() >= 16);
        farm.scheduler().kill();
        Instant killed = Instant.now();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> leads(standby));
        System.out.println("standby scheduler took over in " + Duration.between(killed, Instant.now()).toMillis()
                + " ms");
        assertEquals("SUCCEEDED", awaitEnd(admin, job, Duration.ofMinutes(3)).path("state").asText());

        // Back from the dead, the first scheduler waits as the standby.
        farm.scheduler().start();
        farm.scheduler().awaitHealthy(Duration.ofMinutes(2));
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).until(() -> !leads(farm.scheduler()));
        assertTrue(leads(standby));
    }

    @Test
    @Order(2)
    void noAcceptedJobIsLostWhenAGatewayDiesAndTheOtherTakesOverTheOutboxRelay() throws Exception {
        ServiceProcess second = farm.startSecond("gateway");
        GatewayClient viaSecond = new GatewayClient(second.healthUrl().replace("/q/health/ready", ""),
                farm.adminKey());
        List<UUID> accepted = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            accepted.add(submit(admin, "{'seeds': '" + (1000 + 8 * i) + "-" + (1007 + 8 * i) + "'}"));
        }
        farm.gateway().kill();
        // The first gateway held the relay's lease: these are published only if the second one takes it over.
        for (int i = 3; i < 6; i++) {
            accepted.add(submit(viaSecond, "{'seeds': '" + (1000 + 8 * i) + "-" + (1007 + 8 * i) + "'}"));
        }
        for (UUID job : accepted) {
            assertEquals("SUCCEEDED", awaitEnd(viaSecond, job, Duration.ofMinutes(3)).path("state").asText(),
                    "job " + job + " was accepted (202), so it must not be lost");
        }
        farm.gateway().start();
        farm.gateway().awaitHealthy(Duration.ofMinutes(2));
    }

    @Test
    @Order(3)
    void aKafkaNodeKilledMidJobStallsItNoLongerThanALeaderElection() throws Exception {
        UUID job = submit(admin, "{'seeds': '5000-5319'}");
        await().atMost(Duration.ofMinutes(2)).until(() -> admin.job(job).path("items").path("done").asLong() >= 16);
        long before = admin.job(job).path("items").path("done").asLong();
        farm.stack().kafka().kill();
        Instant killed = Instant.now();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> admin.job(job).path("items").path("done").asLong() > before);
        System.out.println("progress again " + Duration.between(killed, Instant.now()).toMillis()
                + " ms after a Kafka node was killed");
        assertEquals("SUCCEEDED", awaitEnd(admin, job, Duration.ofMinutes(3)).path("state").asText());
    }

    private static boolean leads(ServiceProcess scheduler) throws Exception {
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                scheduler.healthUrl().replace("/q/health/ready", "/q/metrics"))).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return metrics.lines().anyMatch(l -> l.matches("stylefarm_scheduler_leader(\\{.*\\})? 1\\.0"));
    }

    private static UUID submit(GatewayClient client, String spec) {
        GatewayClient.Raw response = FarmTestSupport.postJob(client, "{\"kind\":\"generate\",\"model\":\"" + MODEL
                + "\",\"spec\":" + spec.replace('\'', '"') + "}");
        assertEquals(202, response.status(), response.body());
        return UUID.fromString(response.json().path("id").asText());
    }

    private static JsonNode awaitEnd(GatewayClient client, UUID id, Duration limit) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(limit).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> {
            last[0] = client.job(id);
            return List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(last[0].path("state").asText());
        });
        return last[0];
    }
}
