package ai.stylefarm.infra;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * Where a running stack's services listen and how to log in. {@link EmbeddedStack} writes it to
 * {@code <dataDir>/stack.json} (plus the owning pid and start time), so that other processes, such as
 * {@code ./farm status} or services started separately, can find the stack.
 */
public record StackEndpoints(
        String kafkaBootstrapServers,
        String jdbcUrl,
        String jdbcUser,
        String jdbcPassword,
        String s3Endpoint,
        String s3AccessKey,
        String s3SecretKey,
        String s3Bucket) {

    public static final String FILE_NAME = "stack.json";

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** The endpoints in {@code <dataDir>/stack.json}, whether or not the stack that wrote them still runs. */
    public static Optional<StackEndpoints> read(Path dataDir) {
        Path file = dataDir.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(file.toFile(), StackEndpoints.class));
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable " + file, e);
        }
    }

    /** As {@link #read(Path)}, but only while the process that wrote the file is alive. */
    public static Optional<StackEndpoints> readIfRunning(Path dataDir) {
        return owner(dataDir).flatMap(h -> read(dataDir));
    }

    /**
     * The live process that wrote {@code <dataDir>/stack.json}. A process with the recorded pid that started
     * after the file was written merely inherited the pid (after a reboot, say), and does not count.
     */
    public static Optional<ProcessHandle> owner(Path dataDir) {
        Path file = dataDir.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        JsonNode node;
        try {
            node = JSON.readTree(file.toFile());
        } catch (IOException e) {
            return Optional.empty();
        }
        JsonNode pid = node.get("pid");
        JsonNode startedAt = node.get("startedAt");
        if (pid == null || !pid.canConvertToLong() || startedAt == null) {
            return Optional.empty();
        }
        Instant written = Instant.parse(startedAt.asText());
        return ProcessHandle.of(pid.asLong())
                .filter(ProcessHandle::isAlive)
                .filter(h -> h.info().startInstant().map(start -> !start.isAfter(written)).orElse(true));
    }

    /**
     * Writes {@code <dataDir>/stack.json} atomically, so a reader never sees half a file, and owner-only, for it
     * holds the database password and the S3 secret.
     */
    void write(Path dataDir, long pid, Instant startedAt) {
        ObjectNode node = JSON.valueToTree(this);
        node.put("pid", pid);
        node.put("startedAt", startedAt.toString());
        try {
            OwnerOnly.write(dataDir.resolve(FILE_NAME), JSON.writeValueAsBytes(node));
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + dataDir.resolve(FILE_NAME), e);
        }
    }

    /** One line per endpoint, for a console. */
    public String describe() {
        return String.join(System.lineSeparator(),
                "kafka     " + kafkaBootstrapServers,
                "postgres  " + jdbcUrl + "  (user " + jdbcUser + ", password " + jdbcPassword + ")",
                "s3        " + s3Endpoint + "  (bucket " + s3Bucket + ", access key " + s3AccessKey
                        + ", secret " + s3SecretKey + ")");
    }
}
