package ai.stylefarm.cli;

import ai.stylefarm.cli.client.GatewayClient;
import ai.stylefarm.cli.local.LocalFarm;
import ai.stylefarm.cli.local.LocalFarmConfig;
import ai.stylefarm.infra.StackConfig;
import ai.stylefarm.modelkit.ModelKit;
import ai.stylefarm.modelkit.bundle.ModelBundle;
import ai.stylefarm.modelkit.bundle.ModelManifest;
import ai.stylefarm.modelkit.inference.ExecutionDevice;
import ai.stylefarm.modelkit.inference.GeneratorSession;
import ai.stylefarm.modelkit.inference.NoiseMode;
import ai.stylefarm.modelkit.inference.RenderLanes;
import ai.stylefarm.modelkit.inference.RenderOptions;
import ai.stylefarm.modelkit.inference.Renderer;
import ai.stylefarm.modelkit.inference.SessionSettings;
import ai.stylefarm.modelkit.io.Pixels;
import ai.stylefarm.schemas.GenerateTaskSpec;
import ai.stylefarm.schemas.ImageFormat;
import ai.stylefarm.schemas.JobState;
import ai.stylefarm.schemas.Layout;
import ai.stylefarm.schemas.Seeds;
import ai.stylefarm.worker.RenderThreads;
import ai.stylefarm.worker.ShardWriter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.LongStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The farm's end-to-end targets, measured side by side on one machine: start-up time, the latency of a one-seed
 * 32x32 job on a warm model, and the throughput of a large 64x64 job against the worker's bare render-and-encode
 * loop (the same renderer, batch size and PNG encoder, without Kafka, PostgreSQL or S3).
 */
@Command(name = "bench-farm", mixinStandardHelpOptions = true,
        description = "Benchmark a fresh local farm: start-up, 1-seed latency, and throughput against the bare loop.")
final class FarmBenchCommand implements Callable<Integer> {
    /** The worker's own threads on this machine (a render lane per core), so the bare loops are the worker's. */
    static final RenderThreads WORKER_THREADS = RenderThreads.of(GeneratorSession.resolveDevice(ExecutionDevice.AUTO),
            Runtime.getRuntime().availableProcessors());
    /** The worker's own session settings: its threads per operator, no spinning. */
    static final SessionSettings WORKER_SESSION = new SessionSettings(ExecutionDevice.AUTO,
            WORKER_THREADS.sessionThreads(), false);

    @Option(names = "--latency-jobs", defaultValue = "10", description = "1-seed jobs to time (default: ${DEFAULT-VALUE})")
    int latencyJobs;

    @Option(names = "--warmup-seeds", defaultValue = "12000",
            description = "images the farm renders and stores before the throughput rounds: on 2 busy cores its "
                    + "services' JIT compilers need about two minutes of work to settle (default: ${DEFAULT-VALUE})")
    int warmupSeeds;

    /**
     * Images the workers of the scaling run render before they are measured. Scaling restarts every worker, so
     * each starts cold; the first worker had rendered tens of thousands of images before its webdataset run.
     */
    private static final int SCALING_WARMUP_SEEDS = 12000;

    /** Throughput jobs are timed by their finished_at; polls only notice the end, so they can be rare. */
    static final long THROUGHPUT_POLL_MILLIS = 500;

    /** The bare loop's own Java is PNG encoding alone, warm after a few thousand images. */
    private static final int BARE_WARMUP_SEEDS = 2000;

    @Option(names = "--seeds", defaultValue = "2000", description = "seeds of the throughput job (default: ${DEFAULT-VALUE})")
    int seeds;

    @Option(names = "--rounds", defaultValue = "5",
            description = "bare loop and farm job pairs, one after the other (default: ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = "--batch", defaultValue = "8", description = "worker batch size, used by both sides (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--seeds-per-task", defaultValue = "64", description = "scheduler task size (default: ${DEFAULT-VALUE})")
    int seedsPerTask;

    @Option(names = "--dataset-seeds", defaultValue = "20000",
            description = "seeds of the webdataset job, 0 to skip it and the scaling run (default: ${DEFAULT-VALUE})")
    int datasetSeeds;

    @Option(names = "--shard-size", defaultValue = "1000", description = "webdataset shard size (default: ${DEFAULT-VALUE})")
    int shardSize;

    @Option(names = "--workers", defaultValue = "1",
            description = "worker processes for the latency and files runs; they share the cores (default: ${DEFAULT-VALUE})")
    int workers;

    @Option(names = "--set", description = "extra service setting, e.g. --set worker.upload.threads=4 (repeatable)")
    Map<String, String> settings = new java.util.LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("stylefarm-bench-");
        Map<String, String> all = new java.util.LinkedHashMap<>(Map.of("worker.batch.size", Integer.toString(batch),
                "scheduler.seeds-per-task", Integer.toString(seedsPerTask)));
        all.putAll(settings);
        LocalFarmConfig config = new LocalFarmConfig(LocalFarmConfig.findHome(), StackConfig.defaults(dir.resolve("farm")),
                0, 0, workers, all);
        long began = System.nanoTime();
        try (LocalFarm farm = LocalFarm.start(config, "sfk_bench-" + UUID.randomUUID())) {
            double startSeconds = (System.nanoTime() - began) / 1e9;
            GatewayClient client = new GatewayClient(farm.gatewayUrl(), farm.adminKey());
            client.registerRandomModel("tiny", "tiny32", 0);
            client.registerRandomModel("small", "small64", 0);

            run(client, "tiny", "0"); // warm: the worker downloads the bundle and opens a session
            List<Double> latencies = new ArrayList<>();
            for (int i = 1; i <= latencyJobs; i++) {
                latencies.add(run(client, "tiny", Integer.toString(i)));
            }
            Collections.sort(latencies);

            // Warm both sides alike: the model, and the JIT on every code path the measured rounds take.
            List<double[]> pairs = new ArrayList<>();
            double coldFarm;
            try (BareLoop bare = new BareLoop(dir.resolve("bare"))) {
                coldFarm = warmupSeeds / run(client, "small", "0-" + (warmupSeeds - 1), THROUGHPUT_POLL_MILLIS);
                bare.measure(0, BARE_WARMUP_SEEDS);
                for (int round = 0; round < rounds; round++) {
                    // Fresh seeds each round: the farm would otherwise find its objects already stored.
                    long first = 100000L + (long) round * seeds;
                    double bareRate = bare.measure(first, seeds);
                    double farmRate = seeds / run(client, "small", first + "-" + (first + seeds - 1),
                            THROUGHPUT_POLL_MILLIS);
                    pairs.add(new double[] {bareRate, farmRate});
                }
            }
            System.out.printf("%n%-44s %s%n", "measure", "value");
            System.out.printf("%-44s %.1f s%n", "farm start (stack + 3 services, ready)", startSeconds);
            System.out.printf("%-44s %.0f ms (max %.0f ms, %d jobs)%n", "1-seed 32x32 job, submit to SUCCEEDED, median",
                    latencies.get(latencies.size() / 2) * 1000, latencies.get(latencies.size() - 1) * 1000, latencyJobs);
            System.out.printf("%-44s %.1f images/s (%d seeds, JIT compilers still busy)%n",
                    "farm during its warm-up, 64x64", coldFarm, warmupSeeds);
            printRounds(pairs, 44, seeds + " seeds 64x64, batch " + batch, "images/s");
            System.out.flush();

            tenMillion(client, farm);
            if (datasetSeeds > 0) {
                double bareShards = bareShardLoop(dir.resolve("bare-shards"), datasetSeeds);
                double oneWorker = datasetSeeds / run(client, datasetJob(200000), THROUGHPUT_POLL_MILLIS);
                System.out.printf("%-44s %.1f images/s%n", "bare render+PNG+tar loop, 64x64, webdataset", bareShards);
                System.out.printf("%-44s %.1f images/s (%d seeds, shards of %d)%n", "farm end to end, webdataset",
                        oneWorker, datasetSeeds, shardSize);
                System.out.printf("%-44s %.0f %%%n", "farm / bare (webdataset)", 100 * oneWorker / bareShards);
                System.out.flush();
                farm.scaleWorkers(workers + 1);
                // The new worker loads the model and warms its JIT, as the first one did before its measured runs.
                run(client, datasetJob(300000, SCALING_WARMUP_SEEDS), THROUGHPUT_POLL_MILLIS);
                double twoWorkers = datasetSeeds / run(client, datasetJob(400000), THROUGHPUT_POLL_MILLIS);
                System.out.printf("%-44s %.1f images/s (%.2fx)%n", "farm end to end, webdataset, one more worker",
                        twoWorkers, twoWorkers / oneWorker);
            }
        }
        return 0;
    }

    private com.fasterxml.jackson.databind.node.ObjectNode datasetJob(long firstSeed) {
        return datasetJob(firstSeed, datasetSeeds);
    }

    private com.fasterxml.jackson.databind.node.ObjectNode datasetJob(long firstSeed, int count) {
        com.fasterxml.jackson.databind.node.ObjectNode job = JsonNodeFactory.instance.objectNode().put("kind", "generate")
                .put("model", "small").put("priority", "bulk");
        job.putObject("spec").put("seeds", firstSeed + "-" + (firstSeed + count - 1)).put("layout", "webdataset")
                .put("shard_size", shardSize);
        return job;
    }

    /** Accepting a 10M-seed job, and what it does to the services' memory while it starts running. */
    private static void tenMillion(GatewayClient client, LocalFarm farm) throws Exception {
        Map<String, Long> before = rss(farm);
        long start = System.nanoTime();
        com.fasterxml.jackson.databind.node.ObjectNode job = JsonNodeFactory.instance.objectNode()
                .put("kind", "generate").put("model", "small").put("priority", "bulk");
        job.putObject("spec").put("seeds", "0-9999999");
        UUID id = UUID.fromString(client.submit(job).path("id").asText());
        double accept = (System.nanoTime() - start) / 1e9;
        while (client.job(id).path("items").path("done").asLong() == 0) {
            Thread.sleep(200);
        }
        Thread.sleep(10_000);
        Map<String, Long> during = rss(farm);
        client.cancel(id);
        while (!JobState.CANCELLED.name().equals(client.job(id).path("state").asText())) {
            Thread.sleep(200);
        }
        System.out.printf("%-44s %.0f ms%n", "10M-seed job, POST /v1/jobs to 202", accept * 1000);
        for (String service : before.keySet()) {
            System.out.printf("%-44s %d MB before, %d MB while it runs%n", "resident memory, " + service,
                    before.get(service) >> 20, during.getOrDefault(service, 0L) >> 20);
        }
        System.out.flush();
    }

    private static Map<String, Long> rss(LocalFarm farm) throws java.io.IOException {
        Map<String, Long> rss = new java.util.LinkedHashMap<>();
        List<ai.stylefarm.cli.local.ServiceProcess> services = new ArrayList<>(List.of(farm.gateway(), farm.scheduler()));
        services.add(farm.workers().get(0));
        for (ai.stylefarm.cli.local.ServiceProcess service : services) {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(service.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss.put(service.name(), Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024);
                }
            }
        }
        return rss;
    }

    /** The worker's webdataset loop without the farm: render on the lanes, encode, append to a local tar shard. */
    private double bareShardLoop(Path dir, int count) throws Exception {
        ModelBundle bundle = ModelKit.writeBundle(ModelKit.randomInit("small64", 0), "small", dir.resolve("bundle"));
        ModelManifest m = bundle.manifest();
        try (GeneratorSession session = GeneratorSession.open(bundle, WORKER_SESSION);
             RenderLanes lanes = new RenderLanes(WORKER_THREADS.lanes())) {
            Renderer renderer = new Renderer(session);
            RenderOptions options = new RenderOptions(1f, null, null, NoiseMode.CONST, batch);
            renderer.render(LongStream.range(0, batch).toArray(), options);
            long start = System.nanoTime();
            for (int shard = 0; shard * shardSize < count; shard++) {
                long first = 200000L + (long) shard * shardSize;
                long[] seeds = LongStream.range(first, first + Math.min(shardSize, count - shard * shardSize)).toArray();
                GenerateTaskSpec spec = new GenerateTaskSpec(Seeds.range(seeds[0], seeds[seeds.length - 1]), 1.0, null,
                        null, ai.stylefarm.schemas.NoiseMode.CONST, ImageFormat.PNG, Layout.WEBDATASET,
                        "jobs/" + UUID.randomUUID() + "/shards/", null, null, shard);
                try (ShardWriter writer = new ShardWriter(spec, m, dir.resolve("shard.tar"), dir.resolve("part.jsonl"))) {
                    renderer.render(seeds, options, lanes, images -> {
                        for (Renderer.Rendered r : images) {
                            try {
                                writer.add(r, Pixels.toUint8Hwc(r.img(), 0, m.imgChannels(), m.resolution(),
                                        m.resolution()));
                            } catch (java.io.IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                        }
                        return true;
                    });
                }
            }
            return count / ((System.nanoTime() - start) / 1e9);
        }
    }

    /**
     * One line per round of {@code {bare, farm}} rates, then the median ratio and its range.
     *
     * @param width the label column's width
     */
    static void printRounds(List<double[]> pairs, int width, String what, String unit) {
        for (int round = 0; round < pairs.size(); round++) {
            double[] pair = pairs.get(round);
            System.out.printf("%-" + width + "s bare %.1f, farm %.1f %s: %.0f %%%n", "round " + (round + 1) + ", "
                    + what, pair[0], pair[1], unit, 100 * pair[1] / pair[0]);
        }
        List<Double> ratios = new ArrayList<>(pairs.stream().map(p -> p[1] / p[0]).toList());
        Collections.sort(ratios);
        System.out.printf("%-" + width + "s %.0f %% (range %.0f-%.0f %%)%n", "farm / bare, median of rounds",
                100 * ratios.get(ratios.size() / 2), 100 * ratios.get(0), 100 * ratios.get(ratios.size() - 1));
    }

    private static double run(GatewayClient client, String model, String seeds) throws InterruptedException {
        return run(client, model, seeds, 5);
    }

    private static double run(GatewayClient client, String model, String seeds, long pollMillis)
            throws InterruptedException {
        com.fasterxml.jackson.databind.node.ObjectNode job = JsonNodeFactory.instance.objectNode().put("kind", "generate")
                .put("model", model);
        job.putObject("spec").put("seeds", seeds);
        return run(client, job, pollMillis);
    }

    /**
     * Seconds from just before submission until the farm recorded the job SUCCEEDED: its {@code finished_at},
     * stamped by PostgreSQL on this machine's clock. Polling only finds out that it ended, so a coarse poll
     * neither adds its wait to the time nor takes CPU from the farm.
     *
     * @param pollMillis fine where the job is short (latency); coarse for throughput
     */
    static double run(GatewayClient client, JsonNode request, long pollMillis) throws InterruptedException {
        java.time.Instant start = java.time.Instant.now();
        JsonNode job = client.submit(request);
        UUID id = UUID.fromString(job.path("id").asText());
        while (!JobState.valueOf(job.path("state").asText()).isTerminal()) {
            Thread.sleep(pollMillis);
            job = client.job(id);
        }
        if (!JobState.SUCCEEDED.name().equals(job.path("state").asText())) {
            throw new IllegalStateException("benchmark job " + id + " ended " + job.path("state").asText() + ": "
                    + job.path("error").asText());
        }
        return java.time.Duration.between(start, java.time.Instant.parse(job.path("finished_at").asText()))
                .toNanos() / 1e9;
    }

    /**
     * The worker's loop without the farm: render on the lanes, convert, encode PNG; the same model, session settings
     * and batch size. One session for all rounds, as the farm's worker keeps its own.
     */
    private final class BareLoop implements AutoCloseable {
        private final ModelManifest m;
        private final GeneratorSession session;
        private final RenderLanes lanes = new RenderLanes(WORKER_THREADS.lanes());
        private final RenderOptions options = new RenderOptions(1f, null, null, NoiseMode.CONST, batch);

        BareLoop(Path dir) {
            ModelBundle bundle = ModelKit.writeBundle(ModelKit.randomInit("small64", 0), "small", dir);
            this.m = bundle.manifest();
            this.session = GeneratorSession.open(bundle, WORKER_SESSION);
        }

        /** Images per second over seeds {@code [first, first + count)}. */
        double measure(long first, int count) {
            long start = System.nanoTime();
            new Renderer(session).render(LongStream.range(first, first + count).toArray(), options, lanes, images -> {
                for (Renderer.Rendered r : images) {
                    byte[] hwc = Pixels.toUint8Hwc(r.img(), 0, m.imgChannels(), m.resolution(), m.resolution());
                    Pixels.png(hwc, m.resolution(), m.resolution(), m.imgChannels());
                }
                return true;
            });
            return count / ((System.nanoTime() - start) / 1e9);
        }

        @Override
        public void close() {
            lanes.close();
            session.close();
        }
    }
}
