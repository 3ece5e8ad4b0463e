package ai.stylefarm.cli.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import ai.stylefarm.infra.OwnerOnly;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The local farm's bootstrap admin key, in {@code .stylefarm/admin-key} (owner-only): made on the first
 * {@code ./farm up} and reused after, so scripts and the CLI keep working across restarts.
 */
public final class AdminKeyFile {
    static final String FILE_NAME = "admin-key";

    private AdminKeyFile() {
    }

    public static String readOrCreate(Path dataDir) {
        Path file = dataDir.resolve(FILE_NAME);
        try {
            if (Files.isRegularFile(file)) {
                return Files.readString(file).strip();
            }
            OwnerOnly.directory(dataDir);
            byte[] bytes = new byte[32];
            new SecureRandom().nextBytes(bytes);
            String key = "sfk_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            OwnerOnly.write(file, (key + "\n").getBytes(StandardCharsets.UTF_8));
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create " + file, e);
        }
    }

    /** The key of the farm in the default data directory, or the {@code STYLEFARM_API_KEY} variable if set. */
    public static String forCli(Path dataDir) {
        String env = System.getenv("STYLEFARM_API_KEY");
        if (env != null && !env.isBlank()) {
            return env.strip();
        }
        Path file = dataDir.resolve(FILE_NAME);
        try {
            return Files.isRegularFile(file) ? Files.readString(file).strip() : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
