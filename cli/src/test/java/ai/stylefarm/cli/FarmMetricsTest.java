package ai.stylefarm.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stylefarm.cli.client.GatewayClient;
import ai.stylefarm.cli.local.LocalFarm;
import ai.stylefarm.cli.local.LocalFarmConfig;
import ai.stylefarm.infra.StackConfig;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.RemoveObjectArgs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every service's {@code /q/metrics} after real jobs (a generate job, a video, and a job whose model bundle is gone,
 * so that its task is retried), and the deployment files of {@code infra/deploy}: parsed, and every metric they
 * use exported by the services.
 */
class FarmMetricsTest {
    private static final Pattern METRIC = Pattern.compile("stylefarm_[a-z0-9_]+");
    /** Exported only by a worker with a GPU; checked against the worker's source instead of a scrape. */
    private static final Set<String> GPU_ONLY = Set.of("stylefarm_gpu_utilization_ratio",
            "stylefarm_gpu_memory_used_bytes", "stylefarm_gpu_memory_total_bytes");

    @TempDir
    static Path tmp;

    static LocalFarm farm;
    static GatewayClient admin;
    static String gateway;
    static String scheduler;
    static String worker;

    @BeforeAll
    static void runJobs() throws Exception {
        farm = LocalFarm.start(new LocalFarmConfig(LocalFarmConfig.findHome(), StackConfig.defaults(tmp.resolve("farm")),
                0, 0, 1, FarmTestSupport.settings(Map.of("scheduler.seeds-per-task", "10", "scheduler.retry-backoff", "PT0.2S"))),
                "sfk_metrics-" + UUID.randomUUID());
        admin = new GatewayClient(farm.gatewayUrl(), farm.adminKey());
        admin.registerRandomModel("tiny", "tiny32", 7, true);
        admin.registerRandomModel("gone", "tiny32", 8, true);
        var e = farm.endpoints();
        MinioClient s3 = MinioClient.builder().endpoint(e.s3Endpoint()).credentials(e.s3AccessKey(), e.s3SecretKey())
                .build();
        String goneKey = FarmTestSupport.column(farm, "SELECT id FROM models WHERE slug = 'gone'").get(0);
        for (var item : s3.listObjects(ListObjectsArgs.builder().bucket(e.s3Bucket()).prefix("models/" + goneKey + "/")
                .recursive(true).build())) {
            s3.removeObject(RemoveObjectArgs.builder().bucket(e.s3Bucket()).object(item.get().objectName()).build());
        }

        assertEquals("SUCCEEDED", run("generate", "tiny", seeds("0-39")));
        assertEquals("SUCCEEDED", run("interpolate", "tiny", seeds("1,2").put("frames_per_keyframe", 10).put("fps", 10)));
        assertEquals("FAILED", run("generate", "gone", seeds("0-1")));
        String upload = admin.uploadImage(LocalFarmConfig.findHome().resolve("modelkit/src/test/resources/photos/photo-01.png"))
                .path("id").asText();
        ObjectNode project = JsonNodeFactory.instance.objectNode().put("steps", 25);
        project.putArray("targets").addObject().put("upload", upload);
        assertEquals("SUCCEEDED", run("project", "tiny", project));
        gateway = farm.gatewayUrl() + "/q/metrics";
        scheduler = farm.schedulerUrl() + "/q/metrics";
        worker = farm.workerMetricsUrl(0);
    }

    @AfterAll
    static void stopFarm() {
        FarmTestSupport.verifyEveryJobAndClose(farm);
    }

    @Test
    void theWorkerCountsImagesAndFramesByModelAndDeviceAndTimesTasksByKindAndOutcome() throws Exception {
        String text = get(worker);
        assertEquals(40, sample(text, "stylefarm_images_total", Map.of("model", "tiny", "device", "cpu",
                "kind", "generate")));
        assertEquals(11, sample(text, "stylefarm_frames_total", Map.of("model", "tiny", "device", "cpu")));
        assertEquals(25, sample(text, "stylefarm_projection_steps_total", Map.of("model", "tiny", "device", "cpu")));
        assertEquals(1, sample(text, "stylefarm_task_duration_seconds_count", Map.of("kind", "project",
                "outcome", "succeeded")));
        assertEquals(4, sample(text, "stylefarm_task_duration_seconds_count", Map.of("kind", "generate",
                "outcome", "succeeded")));
        assertEquals(4, sample(text, "stylefarm_task_duration_seconds_bucket", Map.of("kind", "generate",
                "outcome", "succeeded", "le", "+Inf")));
        assertEquals(1, sample(text, "stylefarm_task_duration_seconds_count", Map.of("kind", "interpolate",
                "outcome", "succeeded")));
        assertEquals(3, sample(text, "stylefarm_task_duration_seconds_count", Map.of("kind", "generate",
                "outcome", "failed")), "the task of the model without a bundle, on each of its 3 attempts");
        double utilization = sample(text, "stylefarm_worker_utilization_ratio", Map.of("worker", "local-worker-0"));
        assertTrue(utilization > 0 && utilization <= 1, "utilization " + utilization);
        assertTrue(sample(text, "stylefarm_worker_busy_seconds_total", Map.of("worker", "local-worker-0")) > 0);
        assertFalse(text.contains("stylefarm_gpu_"), "no GPU metrics on a CPU worker");
    }

    @Test
    void theSchedulerReportsStatesLagDeadLettersRetriesAndHeartbeats() {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            String text = get(scheduler);
            assertEquals(3, sample(text, "stylefarm_jobs", Map.of("state", "SUCCEEDED")));
            assertEquals(1, sample(text, "stylefarm_jobs", Map.of("state", "FAILED")));
            assertEquals(0, sample(text, "stylefarm_jobs", Map.of("state", "RUNNING")));
            assertEquals(6, sample(text, "stylefarm_tasks", Map.of("state", "SUCCEEDED")));
            assertEquals(0, sample(text, "stylefarm_kafka_consumer_lag", Map.of("group", "workers",
                    "topic", "stylefarm.tasks.v1")));
            assertEquals(0, sample(text, "stylefarm_kafka_consumer_lag", Map.of("group", "scheduler",
                    "topic", "stylefarm.task-events.v1")));
            assertEquals(0, sample(text, "stylefarm_dlq_messages", Map.of("topic", "stylefarm.dlq.v1")));
            assertEquals(2, sample(text, "stylefarm_task_retries_total", Map.of("kind", "generate")));
            assertEquals(0, sample(text, "stylefarm_lease_expiries_total", Map.of("kind", "generate")));
            double age = sample(text, "stylefarm_worker_heartbeat_age_seconds", Map.of("worker", "local-worker-0"));
            assertTrue(age >= 0 && age < 120, "heartbeat age " + age);
        });
    }

    @Test
    void theGatewayCountsSubmittedJobsByKind() throws Exception {
        String text = get(gateway);
        assertEquals(2, sample(text, "stylefarm_jobs_submitted_total", Map.of("kind", "generate")));
        assertEquals(1, sample(text, "stylefarm_jobs_submitted_total", Map.of("kind", "interpolate")));
        assertEquals(1, sample(text, "stylefarm_jobs_submitted_total", Map.of("kind", "project")));
    }

    @Test
    void theDeploymentFilesParseAndUseOnlyMetricsTheServicesExport() throws Exception {
        Path deploy = LocalFarmConfig.findHome().resolve("infra/deploy");
        YAMLMapper yaml = new YAMLMapper();
        JsonNode compose = yaml.readTree(deploy.resolve("compose/compose.yaml").toFile());
        for (String service : List.of("kafka-1", "kafka-2", "kafka-3", "postgres", "minio", "prometheus", "grafana",
                "gateway", "gateway-2", "scheduler", "worker")) {
            assertTrue(compose.path("services").has(service), "compose has " + service);
        }
        for (String node : List.of("kafka-1", "kafka-2", "kafka-3")) {
            JsonNode env = compose.path("services").path(node).path("environment");
            assertEquals(3, env.path("KAFKA_DEFAULT_REPLICATION_FACTOR").asInt(), node);
            assertEquals(2, env.path("KAFKA_MIN_INSYNC_REPLICAS").asInt(), node);
            assertEquals("1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093",
                    env.path("KAFKA_CONTROLLER_QUORUM_VOTERS").asText(), node);
        }
        assertEquals(2, compose.at("/services/scheduler/deploy/replicas").asInt(), "two schedulers");
        JsonNode alerts = yaml.readTree(deploy.resolve("prometheus/alerts.yml").toFile());
        List<String> names = new ArrayList<>();
        for (JsonNode rule : alerts.path("groups").get(0).path("rules")) {
            assertFalse(rule.path("expr").asText().isBlank(), rule.toString());
            assertTrue(rule.path("labels").has("severity"), rule.toString());
            names.add(rule.path("alert").asText());
        }
        assertTrue(names.containsAll(List.of("StyleFarmNoWorkerHeartbeat", "StyleFarmDeadLettersGrowing",
                "StyleFarmConsumerLagRising", "StyleFarmTaskFailureRateHigh")), names.toString());
        JsonNode prometheus = yaml.readTree(deploy.resolve("prometheus/prometheus.yml").toFile());
        assertEquals(3, prometheus.path("scrape_configs").size());
        prometheus.path("scrape_configs").forEach(c -> assertEquals("/q/metrics", c.path("metrics_path").asText()));

        JsonNode dashboard = new ObjectMapper().readTree(deploy.resolve("grafana/dashboards/stylefarm.json").toFile());
        assertTrue(dashboard.path("panels").size() >= 10);
        dashboard.path("panels").forEach(p -> assertFalse(p.path("targets").get(0).path("expr").asText().isBlank()));

        List<JsonNode> k8s = new ArrayList<>();
        for (Path file : Files.list(deploy.resolve("k8s")).sorted().toList()) {
            try (var parser = new YAMLFactory().createParser(file.toFile())) {
                yaml.readValues(parser, JsonNode.class).forEachRemaining(k8s::add);
            }
        }
        for (String deployment : List.of("stylefarm-gateway", "stylefarm-scheduler")) {
            JsonNode d = k8s.stream().filter(x -> x.path("metadata").path("name").asText().equals(deployment)
                    && x.path("kind").asText().equals("Deployment")).findFirst().orElseThrow();
            assertEquals(2, d.at("/spec/replicas").asInt(), deployment + " runs twice");
        }
        JsonNode gpuWorker = k8s.stream().filter(d -> d.path("metadata").path("name").asText()
                .equals("stylefarm-worker-gpu") && d.path("kind").asText().equals("Deployment")).findFirst().orElseThrow();
        JsonNode resources = gpuWorker.at("/spec/template/spec/containers/0/resources");
        assertEquals(1, resources.at("/limits/nvidia.com~1gpu").asInt(), resources.toString());
        JsonNode keda = k8s.stream().filter(d -> d.path("kind").asText().equals("ScaledObject")).findFirst()
                .orElseThrow();
        JsonNode kafka = keda.at("/spec/triggers/0");
        assertEquals("kafka", kafka.path("type").asText());
        assertEquals("workers", kafka.at("/metadata/consumerGroup").asText());
        assertEquals("stylefarm.tasks.v1", kafka.at("/metadata/topic").asText());

        String exported = get(gateway) + get(scheduler) + get(worker);
        String workerSource = Files.readString(LocalFarmConfig.findHome()
                .resolve("worker/src/main/java/ai/stylefarm/worker/WorkerMetrics.java"));
        Set<String> missing = new TreeSet<>();
        for (Path file : Files.walk(deploy).filter(Files::isRegularFile).toList()) {
            Matcher m = METRIC.matcher(Files.readString(file));
            while (m.find()) {
                String name = m.group();
                boolean known = GPU_ONLY.contains(name) ? workerSource.contains("\"" + name + "\"")
                        : Pattern.compile("(?m)^" + name + "[{ ]").matcher(exported).find();
                if (!known) {
                    missing.add(name + " (" + deploy.relativize(file) + ")");
                }
            }
        }
        assertTrue(missing.isEmpty(), "used in infra/deploy but exported by no service: " + missing);
    }

    private static ObjectNode seeds(String seeds) {
        return JsonNodeFactory.instance.objectNode().put("seeds", seeds);
    }

    /** Submits a job and waits for its end; returns its final state. */
    private static String run(String kind, String model, ObjectNode spec) {
        ObjectNode request = JsonNodeFactory.instance.objectNode().put("kind", kind).put("model", model);
        request.set("spec", spec);
        UUID id = UUID.fromString(admin.submit(request).path("id").asText());
        String[] state = new String[1];
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).until(() -> {
            state[0] = admin.job(id).path("state").asText();
            return Set.of("SUCCEEDED", "FAILED", "CANCELLED").contains(state[0]);
        });
        return state[0];
    }

    /** One sample's value: the line of {@code name} whose labels include {@code labels}; NaN when none. */
    static double sample(String text, String name, Map<String, String> labels) {
        for (String line : text.split("\n")) {
            if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) {
                continue;
            }
            if (labels.entrySet().stream().allMatch(l -> line.contains(l.getKey() + "=\"" + l.getValue() + "\""))) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return Double.NaN;
    }

    private static String get(String url) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), url);
        return response.body();
    }
}
