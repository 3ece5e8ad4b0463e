package ai.stylefarm.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stylefarm.modelkit.inference.ExecutionDevice;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkerConfigTest {

    @Test
    void unsetKeysFallBackToTheDocumentedDefaults() {
        WorkerConfig c = WorkerConfig.from(name -> null);
        assertEquals("127.0.0.1:9092", c.kafkaBootstrap());
        assertEquals("stylefarm", c.s3Bucket());
        assertEquals(ExecutionDevice.AUTO, c.device());
        assertEquals(8, c.batchSize());
        assertEquals(Duration.ofSeconds(10), c.heartbeatInterval());
        assertEquals(Duration.ofHours(1), c.maxTaskTime());
        assertEquals(Path.of(".stylefarm/worker-cache"), c.cacheDir());
        assertTrue(c.workerId().endsWith("-" + ProcessHandle.current().pid()), c.workerId());
    }

    @Test
    void keysOverrideDefaults() {
        Map<String, String> env = Map.of("kafka.bootstrap", "k:1", "worker.device", "CPU",
                "worker.batch.size", "3", "worker.heartbeat.seconds", "2", "worker.id", "w-1");
        WorkerConfig c = WorkerConfig.from(env::get);
        assertEquals("k:1", c.kafkaBootstrap());
        assertEquals(ExecutionDevice.CPU, c.device());
        assertEquals(3, c.batchSize());
        assertEquals(Duration.ofSeconds(2), c.heartbeatInterval());
        assertEquals("w-1", c.workerId());
    }

    @Test
    void badValuesAreRejectedWithTheKeyName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WorkerConfig.from(Map.of("worker.batch.size", "many")::get));
        assertTrue(e.getMessage().contains("worker.batch.size"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> WorkerConfig.from(Map.of("worker.device", "tpu")::get));
    }
}
