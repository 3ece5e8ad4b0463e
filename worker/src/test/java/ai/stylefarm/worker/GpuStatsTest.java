package ai.stylefarm.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class GpuStatsTest {
    @Test
    void readsNvidiaSmiCsvAndSkipsGpusThatReportNotAvailable() {
        List<GpuStats.Gpu> gpus = GpuStats.parse("""
                0, NVIDIA H100 80GB HBM3, 87, 40960, 81559
                1, NVIDIA H100 80GB HBM3, [N/A], 10, 81559
                """);
        assertEquals(1, gpus.size());
        GpuStats.Gpu gpu = gpus.get(0);
        assertEquals(0, gpu.index());
        assertEquals("NVIDIA H100 80GB HBM3", gpu.name());
        assertEquals(0.87, gpu.utilization(), 1e-9);
        assertEquals(40960.0 * 1024 * 1024, gpu.memoryUsedBytes());
        assertEquals(81559.0 * 1024 * 1024, gpu.memoryTotalBytes());
    }
}
