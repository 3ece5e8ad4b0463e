package ai.stylefarm.cli.local;

import ai.stylefarm.infra.OwnerOnly;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code .stylefarm/farm.json}: how to reach a running local farm, written by its supervisor once everything is
 * up and removed when it stops. The CLI's other commands read it. Owner-only: it holds the token of the
 * supervisor's control endpoint ({@code ./farm restart}).
 */
public record FarmState(long pid, Instant startedAt, String gatewayUrl, String schedulerUrl, String dataDir,
                        String controlUrl, String controlToken) {
    public static final String FILE_NAME = "farm.json";
    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules()
            .enable(SerializationFeature.INDENT_OUTPUT).disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public void write(Path dataDir) {
        try {
            OwnerOnly.write(dataDir.resolve(FILE_NAME), JSON.writeValueAsBytes(this));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void delete(Path dataDir) {
        try {
            Files.deleteIfExists(dataDir.resolve(FILE_NAME));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The state of a farm whose supervisor is still alive. */
    public static Optional<FarmState> readIfRunning(Path dataDir) {
        Path file = dataDir.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            FarmState state = JSON.readValue(file.toFile(), FarmState.class);
            return ProcessHandle.of(state.pid()).filter(ProcessHandle::isAlive).map(h -> state);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    public Optional<ProcessHandle> supervisor() {
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    }
}
