package ai.stylefarm.cli;

import ai.stylefarm.modelkit.bundle.ModelBundle;
import ai.stylefarm.modelkit.bundle.ModelManifest;
import ai.stylefarm.modelkit.inference.ExecutionDevice;
import ai.stylefarm.modelkit.inference.ProjectionSession;
import ai.stylefarm.modelkit.inference.SessionSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * One projection step of a bundle's {@code projection_step.onnx} (synthesis forward, pixel MSE, exact backward to
 * ws and every noise map) timed in ONNX Runtime, with the process's peak resident memory: the worker's side of the
 * comparison with NVIDIA's projector step in {@code infra/bench/projection-bench.sh}. Run it in a fresh JVM per
 * bundle so that the peak belongs to that bundle alone.
 */
@Command(name = "bench-projection", mixinStandardHelpOptions = true,
        description = "Time one projection step (forward + exact gradient) of a bundle on the CPU; print ms and peak RSS.")
final class ProjectionBenchCommand implements Callable<Integer> {
    @Option(names = "--bundle", required = true, description = "bundle directory (./farm models init --config ...)")
    Path bundle;

    @Option(names = "--threads", defaultValue = "1", description = "ONNX Runtime threads (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--warmup", defaultValue = "3", description = "untimed steps first (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--steps", defaultValue = "20", description = "timed steps (default: ${DEFAULT-VALUE})")
    int steps;

    @Override
    public Integer call() throws IOException {
        ModelBundle b = ModelBundle.openUnverifiedRender(bundle);
        ModelManifest m = b.manifest();
        Random random = new Random(0);
        float[] target = new float[m.imgChannels() * m.resolution() * m.resolution()];
        for (int i = 0; i < target.length; i++) {
            target[i] = random.nextFloat() * 2 - 1;
        }
        float[] ws = new float[m.numWs() * m.wDim()];
        for (int i = 0; i < ws.length; i++) {
            ws[i] = m.wAvg()[i % m.wDim()] + 0.1f * (float) random.nextGaussian();
        }
        Map<String, float[]> noise = new LinkedHashMap<>();
        b.noiseConst().forEach((k, t) -> noise.put(k, t.data()));
        double[] ms = new double[steps];
        try (ProjectionSession s = ProjectionSession.open(b, new SessionSettings(ExecutionDevice.CPU, threads), target)) {
            for (int i = 0; i < warmup + steps; i++) {
                long t0 = System.nanoTime();
                s.step(ws, noise);
                if (i >= warmup) {
                    ms[i - warmup] = (System.nanoTime() - t0) / 1e6;
                }
            }
        }
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        double median = steps % 2 == 1 ? sorted[steps / 2] : (sorted[steps / 2 - 1] + sorted[steps / 2]) / 2;
        System.out.printf(Locale.ROOT, "{\"config\": \"%s\", \"resolution\": %d, \"ms_per_step_median\": %.2f,"
                        + " \"ms_per_step_mean\": %.2f, \"threads\": %d, \"peak_rss_mb\": %.1f}%n", m.name(),
                m.resolution(), median, Arrays.stream(ms).average().orElse(0), threads, peakRssMb());
        return 0;
    }

    /** VmHWM of this process, the kernel's high-water mark of resident memory. */
    private static double peakRssMb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        }
        return Double.NaN;
    }
}
