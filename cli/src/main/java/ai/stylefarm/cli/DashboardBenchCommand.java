package ai.stylefarm.cli;

import ai.stylefarm.cli.client.GatewayClient;
import ai.stylefarm.cli.local.LocalFarm;
import ai.stylefarm.cli.local.LocalFarmConfig;
import ai.stylefarm.domain.ops.SyntheticHistory;
import ai.stylefarm.domain.store.Artifacts;
import ai.stylefarm.infra.StackConfig;
import ai.stylefarm.infra.StackEndpoints;
import ai.stylefarm.schemas.ObjectKeys;
import ai.stylefarm.schemas.ProjectTaskSpec;
import ai.stylefarm.schemas.ProjectionSpace;
import ai.stylefarm.schemas.documents.Documents;
import ai.stylefarm.schemas.documents.ProjectionReportDocument;
import ai.stylefarm.schemas.documents.TargetMetrics;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The dashboard's page-load target: a fresh farm whose database holds {@code --jobs} jobs with {@code
 * --tasks-per-job} tasks each (finished in the last hour by 8 workers, over two tenants and every state), and for each
 * page the time from the first request to the last response of what that page loads, fetched as the page fetches
 * it (the page itself, then its API calls, the parallel ones in parallel). Median and max of {@code --runs}.
 */
@Command(name = "bench-dashboard", mixinStandardHelpOptions = true,
        description = "Benchmark the dashboard's page loads on a farm with many jobs and tasks.")
final class DashboardBenchCommand implements Callable<Integer> {
    @Option(names = "--jobs", defaultValue = "1000", description = "jobs in the database (default: ${DEFAULT-VALUE})")
    int jobs;

    @Option(names = "--tasks-per-job", defaultValue = "100", description = "(default: ${DEFAULT-VALUE})")
    int tasksPerJob;

    @Option(names = "--runs", defaultValue = "20", description = "loads per page (default: ${DEFAULT-VALUE})")
    int runs;

    private static final int CALIBRATION_TARGETS = 32;

    private final HttpClient http = HttpClient.newHttpClient();

    @Override
    public Integer call() throws Exception {
        var dir = Files.createTempDirectory("stylefarm-dashboard-bench-");
        try (LocalFarm farm = LocalFarm.start(new LocalFarmConfig(LocalFarmConfig.findHome(),
                StackConfig.defaults(dir.resolve("farm")), 0, 0, 0, Map.of()), "sfk_bench-" + UUID.randomUUID())) {
            GatewayClient client = new GatewayClient(farm.gatewayUrl(), farm.adminKey());
            client.registerRandomModel("tiny", "tiny32", 0);
            client.createTenant("acme");
            client.createTenant("globex");
            UUID job = seed(farm.endpoints());
            String base = farm.gatewayUrl();
            String key = farm.adminKey();
            Map<String, List<List<String>>> pages = new LinkedHashMap<>();
            pages.put("jobs", List.of(List.of("/", "/app.js", "/app.css"), List.of("/v1/jobs?limit=100")));
            pages.put("job (" + tasksPerJob + " tasks)", List.of(List.of("/", "/app.js", "/app.css"),
                    List.of("/v1/jobs/" + job), List.of("/v1/jobs/" + job + "/tasks?limit=2000",
                            "/v1/jobs/" + job + "/pictures?limit=12")));
            UUID calibration = seedCalibration(farm.endpoints());
            pages.put("calibration (" + CALIBRATION_TARGETS + " targets)", List.of(List.of("/", "/app.js", "/app.css"),
                    List.of("/v1/jobs/" + calibration), List.of("/v1/jobs/" + calibration + "/tasks?limit=2000",
                            "/v1/jobs/" + calibration + "/pictures?limit=12",
                            "/v1/jobs/" + calibration + "/projections")));
            pages.put("workers", List.of(List.of("/", "/app.js", "/app.css"), List.of("/v1/workers")));
            pages.put("queues", List.of(List.of("/", "/app.js", "/app.css"), List.of("/v1/queues")));
            pages.put("throughput", List.of(List.of("/", "/app.js", "/app.css"), List.of("/v1/throughput")));
            System.out.printf("%n%d jobs, %d tasks in the database%n%-28s %10s %10s%n", jobs, (long) jobs * tasksPerJob,
                    "page", "median", "max");
            for (Map.Entry<String, List<List<String>>> page : pages.entrySet()) {
                load(base, key, page.getValue()); // warm
                List<Double> times = new ArrayList<>();
                for (int i = 0; i < runs; i++) {
                    times.add(load(base, key, page.getValue()));
                }
                Collections.sort(times);
                System.out.printf("%-28s %7.1f ms %7.1f ms%n", page.getKey(), times.get(times.size() / 2),
                        times.get(times.size() - 1));
            }
        }
        return 0;
    }

    /** Milliseconds for one page: each step's requests in parallel, the steps one after another. */
    private double load(String base, String key, List<List<String>> steps) {
        long start = System.nanoTime();
        for (List<String> step : steps) {
            CompletableFuture.allOf(step.stream().map(path -> http.sendAsync(HttpRequest.newBuilder(URI.create(base + path))
                    .header("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.ofByteArray())
                    .thenAccept(r -> {
                        if (r.statusCode() != 200) {
                            throw new IllegalStateException(path + " answered " + r.statusCode());
                        }
                    })).toArray(CompletableFuture[]::new)).join();
        }
        return (System.nanoTime() - start) / 1e6;
    }

    /**
     * A finished calibration: its row, its project tasks, each target's artifacts, and the metrics.json and
     * report.json that the projection report reads from the bucket. Returns its id.
     */
    private UUID seedCalibration(StackEndpoints e) throws Exception {
        UUID job = UUID.randomUUID();
        MinioClient s3 = MinioClient.builder().endpoint(e.s3Endpoint()).credentials(e.s3AccessKey(), e.s3SecretKey())
                .build();
        String sha = "0".repeat(64);
        List<Artifacts.NewArtifact> artifacts = new ArrayList<>();
        List<TargetMetrics> targets = new ArrayList<>();
        for (int i = 0; i < CALIBRATION_TARGETS; i++) {
            String prefix = ObjectKeys.projection(job, i);
            for (String[] file : new String[][] {{ObjectKeys.PROJ_PNG, "projection"},
                    {ObjectKeys.TARGET_PNG, "target"}, {ObjectKeys.METRICS, "metrics"}}) {
                artifacts.add(new Artifacts.NewArtifact(null, prefix + file[0], file[1], null, 1, sha));
            }
            TargetMetrics metrics = new TargetMetrics("seed " + i, i, null, (long) i, "other", null,
                    i < CALIBRATION_TARGETS / 2 ? ProjectTaskSpec.POSITIVE : ProjectTaskSpec.NEGATIVE, "tiny", 0.01,
                    26.0, 0.01, 0.01, 0.0, 1000, ProjectionSpace.W_PLUS, true, 303, 10.0, 10.0,
                    TargetMetrics.Verdict.of(0.01, null), null);
            put(s3, e.s3Bucket(), prefix + ObjectKeys.METRICS, Documents.bytes(metrics));
            targets.add(metrics.withFiles(Map.of(ObjectKeys.METRICS, prefix + ObjectKeys.METRICS)));
        }
        artifacts.add(new Artifacts.NewArtifact(null, ObjectKeys.report(job, "json"), "report", null, 1, sha));
        double[] positives = {0.001};
        double[] negatives = {0.05};
        ProjectionReportDocument.Calibration calibration = new ProjectionReportDocument.Calibration(1.0, 0.01, 0.05,
                0.0, 1.0, new ProjectionReportDocument.Distances(ProjectionReportDocument.Summary.of(positives),
                ProjectionReportDocument.Summary.of(negatives)), List.of(), List.of());
        put(s3, e.s3Bucket(), ObjectKeys.report(job, "json"), Documents.pretty(new ProjectionReportDocument(
                job.toString(), "calibrate", "tiny", calibration, null, null, null, targets)));
        try (Connection c = DriverManager.getConnection(e.jdbcUrl(), e.jdbcUser(), e.jdbcPassword())) {
            SyntheticHistory.insertFinishedCalibration(c, job, "tiny", "{\"positives\": " + CALIBRATION_TARGETS / 2
                    + ", \"negative_model\": \"other\", \"fpr\": 0.05}", CALIBRATION_TARGETS, artifacts);
        }
        return job;
    }

    private static void put(MinioClient s3, String bucket, String key, byte[] bytes) throws Exception {
        s3.putObject(PutObjectArgs.builder().bucket(bucket).object(key)
                .stream(new java.io.ByteArrayInputStream(bytes), bytes.length, -1).build());
    }

    /** Jobs and tasks straight into PostgreSQL; returns a job to open. */
    private UUID seed(StackEndpoints e) throws Exception {
        try (Connection c = DriverManager.getConnection(e.jdbcUrl(), e.jdbcUser(), e.jdbcPassword())) {
            return SyntheticHistory.insertJobs(c, "tiny", jobs, tasksPerJob);
        }
    }
}
