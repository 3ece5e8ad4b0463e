package ai.stylefarm.cli;

import ai.stylefarm.cli.client.GatewayClient;
import ai.stylefarm.cli.local.LocalFarm;
import ai.stylefarm.cli.local.LocalFarmConfig;
import ai.stylefarm.infra.StackConfig;
import ai.stylefarm.modelkit.ModelKit;
import ai.stylefarm.modelkit.bundle.ModelBundle;
import ai.stylefarm.modelkit.bundle.ModelManifest;
import ai.stylefarm.modelkit.inference.GeneratorSession;
import ai.stylefarm.modelkit.inference.NoiseMode;
import ai.stylefarm.modelkit.inference.RenderOptions;
import ai.stylefarm.modelkit.inference.Renderer;
import ai.stylefarm.modelkit.inference.SessionSettings;
import ai.stylefarm.modelkit.io.Pixels;
import ai.stylefarm.schemas.JobState;
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
    @Option(names = "--latency-jobs", defaultValue = "10", description = "1-seed jobs to time (default: ${DEFAULT-VALUE})")
    int latencyJobs;

    @Option(names = "--seeds", defaultValue = "2000", description = "seeds of the throughput job (default: ${DEFAULT-VALUE})")
    int seeds;

    @Option(names = "--batch", defaultValue = "8", description = "worker batch size, used by both sides (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--seeds-per-task", defaultValue = "64", description = "scheduler task size (default: ${DEFAULT-VALUE})")
    int seedsPerTask;

    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("stylefarm-bench-");
        LocalFarmConfig config = new LocalFarmConfig(LocalFarmConfig.findHome(), StackConfig.defaults(dir.resolve("farm")),
                0, 0, 1, Map.of("worker.batch.size", Integer.toString(batch),
                "scheduler.seeds-per-task", Integer.toString(seedsPerTask)));
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

            run(client, "small", "0-" + (batch - 1)); // warm the 64x64 model
            double bare = bareLoop(dir.resolve("bare"), seeds);
            long t0 = System.nanoTime();
            double farmSeconds = run(client, "small", "100000-" + (100000 + seeds - 1), 200);
            double farmRate = seeds / farmSeconds;
            System.out.printf("%n%-44s %s%n", "measure", "value");
            System.out.printf("%-44s %.1f s%n", "farm start (stack + 3 services, ready)", startSeconds);
            System.out.printf("%-44s %.0f ms (max %.0f ms, %d jobs)%n", "1-seed 32x32 job, submit to SUCCEEDED, median",
                    latencies.get(latencies.size() / 2) * 1000, latencies.get(latencies.size() - 1) * 1000, latencyJobs);
            System.out.printf("%-44s %.1f images/s%n", "bare render+PNG loop, 64x64, batch " + batch, bare);
            System.out.printf("%-44s %.1f images/s (%d seeds in %.1f s)%n", "farm end to end, 64x64", farmRate, seeds,
                    (System.nanoTime() - t0) / 1e9);
            System.out.printf("%-44s %.0f %%%n", "farm / bare", 100 * farmRate / bare);
        }
        return 0;
    }

    /** Seconds from submission until the job is seen SUCCEEDED. */
    private static double run(GatewayClient client, String model, String seeds) throws InterruptedException {
        return run(client, model, seeds, 5);
    }

    /** @param pollMillis fine for latency; coarse for throughput, where polling would take CPU from the farm */
    private static double run(GatewayClient client, String model, String seeds, long pollMillis)
            throws InterruptedException {
        long start = System.nanoTime();
        JsonNode job = client.generate(model, JsonNodeFactory.instance.objectNode().put("seeds", seeds), null);
        UUID id = UUID.fromString(job.path("id").asText());
        while (!JobState.valueOf(job.path("state").asText()).isTerminal()) {
            Thread.sleep(pollMillis);
            job = client.job(id);
        }
        if (!"SUCCEEDED".equals(job.path("state").asText())) {
            throw new IllegalStateException("benchmark job " + id + " ended " + job.path("state").asText() + ": "
                    + job.path("error").asText());
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** The worker's loop without the farm: render, convert, encode PNG; the same model and batch size. */
    private double bareLoop(Path dir, int count) {
        ModelBundle bundle = ModelKit.writeBundle(ModelKit.randomInit("small64", 0), "small", dir);
        ModelManifest m = bundle.manifest();
        try (GeneratorSession session = GeneratorSession.open(bundle, SessionSettings.defaults())) {
            Renderer renderer = new Renderer(session);
            RenderOptions options = new RenderOptions(1f, null, null, NoiseMode.CONST, batch);
            renderer.render(LongStream.range(0, batch).toArray(), options); // warm-up
            long[] bytes = {0};
            long start = System.nanoTime();
            renderer.render(LongStream.range(100000, 100000 + count).toArray(), options, r -> {
                byte[] hwc = Pixels.toUint8Hwc(r.img(), 0, m.imgChannels(), m.resolution(), m.resolution());
                bytes[0] += Pixels.png(hwc, m.resolution(), m.resolution(), m.imgChannels()).length;
            });
            return count / ((System.nanoTime() - start) / 1e9);
        }
    }

}
