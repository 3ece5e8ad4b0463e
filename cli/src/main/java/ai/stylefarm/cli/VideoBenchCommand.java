package ai.stylefarm.cli;

import ai.stylefarm.cli.client.GatewayClient;
import ai.stylefarm.cli.local.LocalFarm;
import ai.stylefarm.cli.local.LocalFarmConfig;
import ai.stylefarm.infra.StackConfig;
import ai.stylefarm.modelkit.ModelKit;
import ai.stylefarm.modelkit.bundle.ModelBundle;
import ai.stylefarm.modelkit.inference.GeneratorSession;
import ai.stylefarm.modelkit.inference.RenderLanes;
import ai.stylefarm.modelkit.inference.LatentWalk;
import ai.stylefarm.modelkit.inference.NoiseMode;
import ai.stylefarm.modelkit.inference.WalkRenderer;
import ai.stylefarm.modelkit.video.H264Encoder;
import ai.stylefarm.modelkit.video.H264Settings;
import ai.stylefarm.modelkit.video.PixelScale;
import ai.stylefarm.schemas.InterpolateJobSpec;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.LongStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The interpolation targets, side by side in one run: a 600-frame 64x64 video through a fresh local farm against
 * the worker's bare loop (the same walk, renderer, batch size, magnification and x264 settings, one segment, no
 * Kafka, PostgreSQL or S3); and at 256x256, encoding alone against rendering alone.
 */
@Command(name = "bench-video", mixinStandardHelpOptions = true,
        description = "Benchmark interpolation videos: farm against the bare render+encode loop, and encode against render.")
final class VideoBenchCommand implements Callable<Integer> {
    @Option(names = "--keyframes", defaultValue = "5", description = "seeds of the looping walk (default: ${DEFAULT-VALUE})")
    int keyframes;

    @Option(names = "--frames-per-keyframe", defaultValue = "120", description = "(default: ${DEFAULT-VALUE}; 5 x 120 = 600 frames)")
    int framesPerKeyframe;

    @Option(names = "--batch", defaultValue = "8", description = "worker batch size, both sides (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--frames-256", defaultValue = "24", description = "frames rendered and encoded at 256x256 (default: ${DEFAULT-VALUE})")
    int frames256;

    @Option(names = "--warmup-videos", defaultValue = "5",
            description = "full videos the farm renders before the measured rounds, to warm its JIT (default: ${DEFAULT-VALUE})")
    int warmupVideos;

    @Option(names = "--rounds", defaultValue = "3",
            description = "bare loop and farm video pairs, one after the other (default: ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = "--set", description = "extra service setting, e.g. --set scheduler.frames-per-task=60 (repeatable)")
    Map<String, String> settings = new java.util.LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("stylefarm-video-bench-");
        List<Long> seeds = LongStream.range(1, 1 + keyframes).boxed().toList();
        long frames = LatentWalk.frameCount(keyframes, true, framesPerKeyframe);
        Map<String, String> all = new java.util.LinkedHashMap<>(Map.of("worker.batch.size", Integer.toString(batch)));
        all.putAll(settings);
        LocalFarmConfig config = new LocalFarmConfig(LocalFarmConfig.findHome(), StackConfig.defaults(dir.resolve("farm")),
                0, 0, 1, all);
        try (LocalFarm farm = LocalFarm.start(config, "sfk_bench-" + UUID.randomUUID())) {
            GatewayClient client = new GatewayClient(farm.gatewayUrl(), farm.adminKey());
            client.registerRandomModel("small", "small64", 0);
            // Warm both sides: the model, FFmpeg, and the JIT on every code path the measured rounds take.
            for (int i = 0; i < warmupVideos; i++) {
                FarmBenchCommand.run(client, job(seeds, framesPerKeyframe), FarmBenchCommand.THROUGHPUT_POLL_MILLIS);
            }
            ModelBundle bare = ModelKit.writeBundle(ModelKit.randomInit("small64", 0), "small", dir.resolve("bare"));
            bareLoop(bare, dir.resolve("bare-warmup"), seeds, frames);
            List<double[]> pairs = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                double bareRate = bareLoop(bare, dir.resolve("bare-" + round), seeds, frames);
                double farmRate = frames / FarmBenchCommand.run(client, job(seeds, framesPerKeyframe),
                        FarmBenchCommand.THROUGHPUT_POLL_MILLIS);
                pairs.add(new double[] {bareRate, farmRate});
            }
            System.out.printf("%n%-52s %s%n", "measure", "value");
            FarmBenchCommand.printRounds(pairs, 52, frames + " frames 64x64, submit to SUCCEEDED", "frames/s");
            System.out.flush();
        }
        encodeAgainstRender(dir.resolve("paper256"));
        return 0;
    }

    private ObjectNode job(List<Long> seeds, int fpk) {
        ObjectNode job = JsonNodeFactory.instance.objectNode().put("kind", "interpolate").put("model", "small");
        ObjectNode spec = job.putObject("spec");
        seeds.forEach(spec.putArray("seeds")::add);
        spec.put("loop", true).put("frames_per_keyframe", fpk);
        return job;
    }

    private WalkRenderer walk(GeneratorSession session, List<Long> seeds, int fpk) {
        List<float[]> ws = WalkRenderer.seedWs(session, seeds, 1f, null);
        return new WalkRenderer(session, new WalkRenderer.Walk(ws, false, LatentWalk.Kind.CUBIC, true, fpk, 1, 1, 1f,
                null, NoiseMode.CONST));
    }

    private H264Settings settings() {
        return H264Settings.of(InterpolateJobSpec.DEFAULT_FPS, InterpolateJobSpec.DEFAULT_CRF,
                InterpolateJobSpec.DEFAULT_PRESET);
    }

    /** What a worker does for a whole video in one segment: walk, render in batches, magnify, encode. */
    private double bareLoop(ModelBundle bundle, Path dir, List<Long> seeds, long frames) throws Exception {
        Files.createDirectories(dir);
        try (GeneratorSession session = GeneratorSession.open(bundle, FarmBenchCommand.WORKER_SESSION);
             RenderLanes lanes = new RenderLanes(FarmBenchCommand.WORKER_THREADS.lanes())) {
            WalkRenderer renderer = walk(session, seeds, framesPerKeyframe);
            int w = renderer.frameWidth();
            int h = renderer.frameHeight();
            int scale = PixelScale.auto(w, h);
            renderer.render(0, batch, batch, f -> { }); // warm-up
            long start = System.nanoTime();
            try (H264Encoder encoder = new H264Encoder(dir.resolve("bare.mp4"), w * scale, h * scale, settings())) {
                renderer.render(0, (int) frames, batch, lanes, batchFrames -> {
                    batchFrames.forEach(f -> encoder.write(PixelScale.nearest(f, w, h, scale)));
                    return true;
                });
                encoder.finish();
            }
            return frames / ((System.nanoTime() - start) / 1e9);
        }
    }

    /** "Encoding keeps pace": the same frames rendered, then encoded as the worker encodes them. */
    private void encodeAgainstRender(Path dir) throws Exception {
        ModelBundle bundle = ModelKit.writeBundle(ModelKit.randomInit("paper256", 0), "paper256", dir);
        try (GeneratorSession session = GeneratorSession.open(bundle, FarmBenchCommand.WORKER_SESSION);
             RenderLanes lanes = new RenderLanes(FarmBenchCommand.WORKER_THREADS.lanes())) {
            WalkRenderer renderer = walk(session, List.of(1L, 2L), frames256);
            int w = renderer.frameWidth();
            int h = renderer.frameHeight();
            renderer.render(0, 1, 1, f -> { }); // warm-up
            List<byte[]> frames = new ArrayList<>();
            long start = System.nanoTime();
            renderer.render(0, frames256, batch, lanes, b -> {
                frames.addAll(b);
                return true;
            });
            double render = frames256 / ((System.nanoTime() - start) / 1e9);
            System.out.printf("%-52s %.1f frames/s%n", "render alone, 256x256 (paper256), batch " + batch, render);
            for (int scale : new int[] {1, PixelScale.auto(w, h)}) {
                start = System.nanoTime();
                try (H264Encoder encoder = new H264Encoder(dir.resolve("x" + scale + ".mp4"), w * scale, h * scale,
                        settings())) {
                    for (byte[] f : frames) {
                        encoder.write(PixelScale.nearest(f, w, h, scale));
                    }
                    encoder.finish();
                }
                double encode = frames256 / ((System.nanoTime() - start) / 1e9);
                System.out.printf("%-52s %.1f frames/s (%.0fx rendering)%n", "encode alone, " + w * scale + "x" + h * scale
                        + (scale > 1 ? " (x" + scale + ", the worker's default)" : ""), encode, encode / render);
            }
        }
    }
}
