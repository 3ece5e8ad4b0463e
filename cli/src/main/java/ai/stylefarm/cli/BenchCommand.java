package ai.stylefarm.cli;

import ai.stylefarm.modelkit.bundle.ModelBundle;
import ai.stylefarm.modelkit.inference.ExecutionDevice;
import ai.stylefarm.modelkit.inference.GeneratorSession;
import ai.stylefarm.modelkit.inference.NoiseMode;
import ai.stylefarm.modelkit.inference.RenderOptions;
import ai.stylefarm.modelkit.inference.Renderer;
import ai.stylefarm.modelkit.inference.SessionSettings;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Images/s of mapping plus synthesis per batch size, after a warm-up (noise const, psi 1).")
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--bundle", required = true, description = "bundle directory")
    java.nio.file.Path bundleDir;

    @Option(names = "--batch", defaultValue = "1,4,8,16", split = ",", description = "batch sizes (default: ${DEFAULT-VALUE})")
    int[] batches;

    @Option(names = "--seconds", defaultValue = "10", description = "minimum timed seconds per batch size (default: ${DEFAULT-VALUE})")
    double seconds;

    @Option(names = "--threads", defaultValue = "0", description = "intra-op threads, 0 = one per core (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--device", defaultValue = "auto", description = "auto, cpu or cuda (default: ${DEFAULT-VALUE})")
    String device;

    @Override
    public Integer call() {
        ModelBundle bundle = ModelBundle.open(bundleDir);
        SessionSettings settings = new SessionSettings(ExecutionDevice.parse(device), threads);
        try (GeneratorSession session = GeneratorSession.open(bundle, settings)) {
            Renderer renderer = new Renderer(session);
            Integer classIdx = bundle.manifest().cDim() > 0 ? 0 : null;
            System.out.printf("model %s %dx%d on %s, %d thread(s)%n", bundle.manifest().name(),
                    bundle.manifest().resolution(), bundle.manifest().resolution(), session.device(),
                    settings.resolvedThreads());
            long nextSeed = 0;
            for (int batch : batches) {
                RenderOptions options = new RenderOptions(1f, null, classIdx, NoiseMode.CONST, batch);
                renderer.render(seeds(nextSeed, batch), options); // warm-up: first run plans memory and kernels
                nextSeed += batch;
                long images = 0;
                long start = System.nanoTime();
                double elapsed;
                do {
                    renderer.render(seeds(nextSeed, batch), options);
                    nextSeed += batch;
                    images += batch;
                    elapsed = (System.nanoTime() - start) / 1e9;
                } while (elapsed < seconds);
                System.out.printf("batch %d: %.2f images/s%n", batch, images / elapsed);
            }
        }
        return 0;
    }

    private static long[] seeds(long from, int n) {
        long[] s = new long[n];
        Arrays.setAll(s, i -> from + i);
        return s;
    }
}
