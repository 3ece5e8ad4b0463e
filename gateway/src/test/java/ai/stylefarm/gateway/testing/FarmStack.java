package ai.stylefarm.gateway.testing;

import ai.stylefarm.infra.EmbeddedStack;
import ai.stylefarm.infra.StackConfig;
import ai.stylefarm.infra.StackEndpoints;
import ai.stylefarm.schemas.Topics;
import io.minio.MinioClient;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The real stack the gateway's tests run against, on 127.0.0.1: PostgreSQL, a Kafka broker and an S3 server, each
 * on a free port, started once for every {@code @QuarkusTest} of the module.
 */
public final class FarmStack implements QuarkusTestResourceLifecycleManager {
    /** The bootstrap admin's key, of tenant {@link #ADMIN_TENANT}. */
    public static final String ADMIN_KEY = "sfk_gateway-test-admin-key";
    public static final String ADMIN_TENANT = "ops";

    private static final String CHILD_CLASSPATH = "stylefarm.child.classpath";

    private static EmbeddedStack stack;
    private static Path dir;

    @Override
    public synchronized Map<String, String> start() {
        try {
            dir = Files.createTempDirectory("gateway-test-stack");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        useTheBrokersOwnClassPath();
        try {
            stack = EmbeddedStack.start(StackConfig.defaults(dir));
        } finally {
            // Under the service's own prefix, which its configuration mapping validates: gone before it starts.
            System.clearProperty(CHILD_CLASSPATH);
        }
        stack.kafka().createTopics(Map.of(Topics.JOBS, 1, Topics.TASKS, 1, Topics.TASK_EVENTS, 1, Topics.DLQ, 1));
        StackEndpoints e = stack.endpoints();
        return Map.of("quarkus.datasource.jdbc.url", e.jdbcUrl(), "quarkus.datasource.username", e.jdbcUser(),
                "quarkus.datasource.password", e.jdbcPassword(), "stylefarm.kafka.bootstrap", e.kafkaBootstrapServers(),
                "stylefarm.s3.endpoint", e.s3Endpoint(), "stylefarm.s3.bucket", e.s3Bucket(),
                "stylefarm.s3.access-key", e.s3AccessKey(), "stylefarm.s3.secret-key", e.s3SecretKey(),
                "stylefarm.bootstrap.admin-key", ADMIN_KEY, "stylefarm.bootstrap.tenant", ADMIN_TENANT);
    }

    /**
     * The Quarkus platform pins an older kafka-clients than the broker's: the broker's JVMs get the class path that
     * the infra module resolved for itself, next to its classes.
     */
    private static void useTheBrokersOwnClassPath() {
        Path infra = Path.of("../infra/target").toAbsolutePath().normalize();
        try {
            String classpath = Files.readString(infra.resolve("child-classpath.txt")).strip();
            System.setProperty(CHILD_CLASSPATH, infra.resolve("classes") + java.io.File.pathSeparator
                    + classpath);
        } catch (IOException e) {
            throw new IllegalStateException("build the infra module first (./mvnw install -pl infra): " + e, e);
        }
    }

    @Override
    public synchronized void stop() {
        if (stack != null) {
            stack.close();
            stack = null;
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException e) {
                // A temporary directory: the next boot of the machine clears what is left.
            }
        }
    }

    /** The bucket, to look at what the gateway stored. */
    public static MinioClient s3() {
        StackEndpoints e = stack.endpoints();
        return MinioClient.builder().endpoint(e.s3Endpoint()).credentials(e.s3AccessKey(), e.s3SecretKey()).build();
    }

    public static String bucket() {
        return stack.endpoints().s3Bucket();
    }
}
