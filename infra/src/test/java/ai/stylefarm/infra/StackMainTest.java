package ai.stylefarm.infra;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link StackMain} as its own process, the way {@code ./farm up} runs it. */
class StackMainTest {

    @TempDir
    Path dataDir;

    @TempDir
    Path logs;

    private final List<Process> launched = new ArrayList<>();
    private final List<Long> pidsToReap = new ArrayList<>();

    @AfterEach
    void killWhateverIsLeft() {
        launched.forEach(ChildJvm::kill);
        pidsToReap.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }

    @Test
    void sigtermStopsKafkaAndPostgresAndRemovesStackJson() throws Exception {
        Process main = launch("first.log");
        StackEndpoints endpoints = awaitRunning(main, "first.log");
        long kafka = kafkaPid();
        long postgres = postgresPid();

        main.destroy();

        assertTrue(main.waitFor(60, TimeUnit.SECONDS), "StackMain did not exit after SIGTERM");
        assertFalse(alive(kafka), "Kafka outlived StackMain");
        assertFalse(alive(postgres), "PostgreSQL outlived StackMain");
        assertFalse(Files.exists(dataDir.resolve(StackEndpoints.FILE_NAME)));
        String output = Files.readString(logs.resolve("first.log"));
        assertTrue(output.contains(endpoints.kafkaBootstrapServers()), output);
        assertTrue(output.contains("stylefarm stack: stopped"), output);
    }

    @Test
    void afterSigkillKafkaStopsByItselfAndTheNextStartTakesOverTheLeftoverPostgres() throws Exception {
        Process first = launch("first.log");
        awaitRunning(first, "first.log");
        long kafka = kafkaPid();
        long postgres = postgresPid();
        pidsToReap.add(postgres);

        ChildJvm.kill(first);

        // OrphanGuard polls for its parent every few hundred milliseconds, then Kafka shuts down cleanly.
        await().atMost(Duration.ofSeconds(30)).until(() -> !alive(kafka));
        // PostgreSQL daemonizes away from the JVM and stays; the next start must deal with it.
        assertTrue(alive(postgres));

        Process second = launch("second.log");
        StackEndpoints endpoints = awaitRunning(second, "second.log");
        assertFalse(alive(postgres), "the leftover postmaster should have been stopped");
        assertEquals(endpoints, StackEndpoints.readIfRunning(dataDir).orElseThrow());
        second.destroy();
        assertTrue(second.waitFor(60, TimeUnit.SECONDS));
    }

    private Process launch(String logName) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                StackMain.class.getName(), "--data-dir", dataDir.toString());
        builder.redirectErrorStream(true).redirectOutput(logs.resolve(logName).toFile());
        Process process = builder.start();
        launched.add(process);
        return process;
    }

    private StackEndpoints awaitRunning(Process main, String logName) {
        await().atMost(Duration.ofSeconds(90)).until(() -> {
            if (!main.isAlive()) {
                throw new AssertionError("StackMain exited with " + main.exitValue() + ":\n"
                        + Files.readString(logs.resolve(logName), StandardCharsets.UTF_8));
            }
            return StackEndpoints.owner(dataDir).map(h -> h.pid() == main.pid()).orElse(false);
        });
        return StackEndpoints.read(dataDir).orElseThrow();
    }

    private long kafkaPid() throws IOException {
        return Long.parseLong(Files.readString(dataDir.resolve("kafka/kafka.pid")).trim());
    }

    private long postgresPid() throws IOException {
        return Long.parseLong(Files.readAllLines(dataDir.resolve("postgres/data/postmaster.pid")).get(0).trim());
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
