package ai.stylefarm.worker;

import ai.stylefarm.schemas.TaskEvent;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** This worker process as its heartbeats report it: CPU share, resident memory, GPU use, uptime and build. */
final class HostStats {
    private static final Path STATUS = Path.of("/proc/self/status");
    private static final String VERSION = buildVersion();

    private final GpuStats gpus;

    /** @param gpus nvidia-smi's reader, or null where no GPU is seen */
    HostStats(GpuStats gpus) {
        this.gpus = gpus;
    }

    TaskEvent.Host read() {
        double cpu = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? Math.max(0, Math.min(1, os.getProcessCpuLoad())) : 0;
        Double gpu = gpus == null ? null : gpus.read().stream().mapToDouble(GpuStats.Gpu::utilization).boxed()
                .findFirst().map(u -> Math.max(0, Math.min(1, u))).orElse(null);
        return new TaskEvent.Host(cpu, residentBytes(), gpu,
                ManagementFactory.getRuntimeMXBean().getUptime() / 1000, VERSION);
    }

    /** VmRSS from /proc where there is one (what the host's memory really holds), else the heap in use. */
    private static long residentBytes() {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // Not Linux, or an unexpected format: the heap is the next best thing.
        }
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    /** The project version Maven wrote into {@code build.properties}; "dev" where it did not (an IDE build). */
    private static String buildVersion() {
        java.util.Properties p = new java.util.Properties();
        try (var in = HostStats.class.getResourceAsStream("build.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // Unreadable: "dev" below.
        }
        String v = p.getProperty("version", "");
        return v.isBlank() || v.startsWith("${") ? "dev" : v.length() > 64 ? v.substring(0, 64) : v;
    }
}
