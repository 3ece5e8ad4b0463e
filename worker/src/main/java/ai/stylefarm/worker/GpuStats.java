package ai.stylefarm.worker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * GPU utilisation and memory from {@code nvidia-smi} (it ships with the NVIDIA driver, so no native binding is
 * needed), read at most every few seconds however often Prometheus scrapes.
 */
final class GpuStats {
    record Gpu(int index, String name, double utilization, double memoryUsedBytes, double memoryTotalBytes) {
    }

    private static final Duration MAX_AGE = Duration.ofSeconds(5);
    private static final List<String> QUERY = List.of("nvidia-smi",
            "--query-gpu=index,name,utilization.gpu,memory.used,memory.total", "--format=csv,noheader,nounits");

    private List<Gpu> last = List.of();
    private long readAt;

    /** A reader if {@code nvidia-smi} runs here and sees a GPU, else null. */
    static GpuStats probe() {
        GpuStats stats = new GpuStats();
        return stats.read().isEmpty() ? null : stats;
    }

    synchronized List<Gpu> read() {
        if (readAt != 0 && System.nanoTime() - readAt < MAX_AGE.toNanos()) {
            return last;
        }
        readAt = System.nanoTime();
        try {
            Process p = new ProcessBuilder(QUERY).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            last = p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0 ? parse(out) : List.of();
        } catch (IOException e) {
            last = List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            last = List.of();
        }
        return last;
    }

    /** Lines of {@code index, name, utilization %, memory used MiB, memory total MiB}. */
    static List<Gpu> parse(String csv) {
        List<Gpu> gpus = new ArrayList<>();
        for (String line : csv.split("\n")) {
            String[] f = line.split(",");
            if (f.length != 5) {
                continue;
            }
            try {
                gpus.add(new Gpu(Integer.parseInt(f[0].strip()), f[1].strip(), Double.parseDouble(f[2].strip()) / 100,
                        Double.parseDouble(f[3].strip()) * 1024 * 1024, Double.parseDouble(f[4].strip()) * 1024 * 1024));
            } catch (NumberFormatException e) {
                // "[N/A]" for a field the GPU does not report: skip that GPU rather than report a wrong value.
            }
        }
        return gpus;
    }
}
