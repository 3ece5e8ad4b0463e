package ai.stylefarm.infra;

import java.nio.file.Path;
import java.util.Locale;

/**
 * What {@link EmbeddedStack} starts, and where. A port of 0 means "any free port"; a non-null
 * {@code externalJdbcUrl} means "use that PostgreSQL, start none".
 */
public record StackConfig(
        Path dataDir,
        int kafkaPort,
        int kafkaControllerPort,
        int postgresPort,
        String database,
        String jdbcUser,
        String jdbcPassword,
        String externalJdbcUrl,
        int s3Port,
        String s3AccessKey,
        String s3SecretKey,
        String s3Bucket,
        int kafkaNodes) {

    public static final Path DEFAULT_DATA_DIR = Path.of(".stylefarm");

    /** Free ports, the {@code stylefarm} database, role and bucket, and the default S3 credentials. */
    public static StackConfig defaults(Path dataDir) {
        return new StackConfig(dataDir, 0, 0, 0, "stylefarm", "stylefarm", "stylefarm", null,
                0, "stylefarm", "stylefarm-secret", "stylefarm", 1);
    }

    /** {@link #defaults(Path)} under {@code .stylefarm/} in the working directory. */
    public static StackConfig defaults() {
        return defaults(DEFAULT_DATA_DIR);
    }

    /**
     * Defaults overridden by system properties or environment variables, the property winning:
     * {@code stylefarm.data.dir} / {@code STYLEFARM_DATA_DIR}, and likewise {@code kafka.port},
     * {@code kafka.controller.port}, {@code postgres.port}, {@code jdbc.url} (an external PostgreSQL),
     * {@code jdbc.user}, {@code jdbc.password}, {@code s3.port}, {@code s3.access.key},
     * {@code s3.secret.key} and {@code s3.bucket}.
     */
    public static StackConfig fromEnvironment() {
        StackConfig d = defaults(Path.of(setting("data.dir", DEFAULT_DATA_DIR.toString())));
        return new StackConfig(
                d.dataDir(),
                Integer.parseInt(setting("kafka.port", "0")),
                Integer.parseInt(setting("kafka.controller.port", "0")),
                Integer.parseInt(setting("postgres.port", "0")),
                d.database(),
                setting("jdbc.user", d.jdbcUser()),
                setting("jdbc.password", d.jdbcPassword()),
                setting("jdbc.url", null),
                Integer.parseInt(setting("s3.port", "0")),
                setting("s3.access.key", d.s3AccessKey()),
                setting("s3.secret.key", d.s3SecretKey()),
                setting("s3.bucket", d.s3Bucket()),
                Integer.parseInt(setting("kafka.nodes", "1")));
    }

    public StackConfig withDataDir(Path dir) {
        return new StackConfig(dir, kafkaPort, kafkaControllerPort, postgresPort, database, jdbcUser, jdbcPassword,
                externalJdbcUrl, s3Port, s3AccessKey, s3SecretKey, s3Bucket, kafkaNodes);
    }

    public StackConfig withPorts(int kafka, int kafkaController, int postgres, int s3) {
        return new StackConfig(dataDir, kafka, kafkaController, postgres, database, jdbcUser, jdbcPassword,
                externalJdbcUrl, s3, s3AccessKey, s3SecretKey, s3Bucket, kafkaNodes);
    }

    /**
     * Kafka as {@code nodes} KRaft nodes (3: every topic replicated three times, {@code min.insync.replicas} 2, as
     * production runs it) instead of one.
     */
    public StackConfig withKafkaNodes(int nodes) {
        return new StackConfig(dataDir, kafkaPort, kafkaControllerPort, postgresPort, database, jdbcUser, jdbcPassword,
                externalJdbcUrl, s3Port, s3AccessKey, s3SecretKey, s3Bucket, nodes);
    }

    /** Use an existing PostgreSQL instead of starting one. */
    public StackConfig withExternalPostgres(String jdbcUrl, String user, String password) {
        return new StackConfig(dataDir, kafkaPort, kafkaControllerPort, postgresPort, database, user, password,
                jdbcUrl, s3Port, s3AccessKey, s3SecretKey, s3Bucket, kafkaNodes);
    }

    public StackConfig withS3Credentials(String accessKey, String secretKey) {
        return new StackConfig(dataDir, kafkaPort, kafkaControllerPort, postgresPort, database, jdbcUser, jdbcPassword,
                externalJdbcUrl, s3Port, accessKey, secretKey, s3Bucket, kafkaNodes);
    }

    private static String setting(String name, String fallback) {
        String property = System.getProperty("stylefarm." + name);
        if (property != null && !property.isBlank()) {
            return property;
        }
        String env = System.getenv("STYLEFARM_" + name.replace('.', '_').toUpperCase(Locale.ROOT));
        return env != null && !env.isBlank() ? env : fallback;
    }
}
