package ai.stylefarm.migrations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stylefarm.schemas.JobKind;
import ai.stylefarm.schemas.JobMessage;
import ai.stylefarm.schemas.JobState;
import ai.stylefarm.schemas.TaskEvent;
import ai.stylefarm.schemas.TaskKind;
import ai.stylefarm.schemas.TaskState;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MigrationsTest {
    private static final Set<String> TABLES = Set.of("tenants", "api_keys", "models", "uploads", "jobs", "tasks",
            "artifacts", "outbox", "workers", "job_events");
    /** V1 to V10 create one table each; later ones alter them. */
    private static final int MIGRATIONS = 21;
    private static final String CHECK_VIOLATION = "23514";
    private static final String UNIQUE_VIOLATION = "23505";

    private static EmbeddedPostgres postgres;
    private static DataSource db;

    @BeforeAll
    static void migrateTwice() throws IOException {
        postgres = EmbeddedPostgres.builder().start();
        db = postgres.getPostgresDatabase();

        assertEquals(MIGRATIONS, Migrations.migrate(db));
        assertEquals(0, Migrations.migrate(db));
        assertEquals(0, Migrations.migrate(postgres.getJdbcUrl("postgres", "postgres"), "postgres", "postgres"));
    }

    @AfterAll
    static void stop() throws IOException {
        postgres.close();
    }

    @Test
    void createsEveryTable() throws SQLException {
        Set<String> tables = new HashSet<>();
        try (Connection c = db.getConnection();
                ResultSet rs = c.createStatement().executeQuery(
                        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        assertTrue(tables.containsAll(TABLES), "missing: " + TABLES.stream().filter(t -> !tables.contains(t)).toList());
    }

    @Test
    void migrationsAreNamedVersionVerbNoun() throws Exception {
        Path dir = Path.of(getClass().getResource("/db/migration").toURI());
        Pattern name = Pattern.compile("V[1-9][0-9]*__[a-z]+_[a-z_]+\\.sql");
        try (Stream<Path> files = Files.list(dir)) {
            List<String> names = files.map(p -> p.getFileName().toString()).toList();
            assertEquals(MIGRATIONS, names.size(), names.toString());
            names.forEach(n -> assertTrue(name.matcher(n).matches(), n));
        }
    }

    @Test
    void statesAndKindsMatchTheSchemaEnums() throws SQLException {
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            String tenant = tenant(c);
            String model = model(c, tenant);
            for (JobKind kind : JobKind.values()) {
                for (JobState state : JobState.values()) {
                    job(c, tenant, model, kind.value(), state.name(), JobMessage.DEFAULT_PRIORITY);
                }
            }
            UUID job = job(c, tenant, model, "generate", "RUNNING", JobMessage.MAX_PRIORITY);
            job(c, tenant, model, "generate", "QUEUED", JobMessage.MIN_PRIORITY);
            int idx = 0;
            for (TaskKind kind : TaskKind.values()) {
                for (TaskState state : TaskState.values()) {
                    task(c, job, idx++, kind.value(), state.name());
                }
            }
            for (TaskEvent.DeviceKind device : TaskEvent.DeviceKind.values()) {
                update(c, "INSERT INTO workers (id, device_kind) VALUES (?, ?)", "w-" + device.value(), device.value());
            }
            c.rollback();
        }
    }

    @Test
    void checkConstraintsRejectUnknownValues() throws SQLException {
        try (Connection c = db.getConnection()) {
            String tenant = tenant(c);
            String model = model(c, tenant);
            UUID job = job(c, tenant, model, "generate", "RUNNING", 5);

            assertViolates(CHECK_VIOLATION, () -> job(c, tenant, model, "generate", "DONE", 5));
            assertViolates(CHECK_VIOLATION, () -> job(c, tenant, model, "paint", "QUEUED", 5));
            assertViolates(CHECK_VIOLATION, () -> job(c, tenant, model, "generate", "queued", 5));
            assertViolates(CHECK_VIOLATION, () -> job(c, tenant, model, "generate", "QUEUED", 10));
            assertViolates(CHECK_VIOLATION, () -> task(c, job, 0, "generate", "LEASED"));
            assertViolates(CHECK_VIOLATION, () -> task(c, job, 0, "calibrate", "PENDING"));
            assertViolates(CHECK_VIOLATION,
                    () -> update(c, "INSERT INTO api_keys (tenant_id, key_hash, role) VALUES (?, ?, 'root')",
                            tenant, "a".repeat(64)));
            assertViolates(CHECK_VIOLATION,
                    () -> update(c, "INSERT INTO workers (id, device_kind) VALUES ('w', 'tpu')"));
            String artifact = "INSERT INTO artifacts (job_id, key, kind, bytes, sha256) VALUES (?, ?, 'image', 1, ?)";
            update(c, artifact, job, "jobs/" + job + "/images/1.png", "a".repeat(64));
            assertViolates(CHECK_VIOLATION,
                    () -> update(c, artifact, job, "jobs/" + UUID.randomUUID() + "/images/1.png", "a".repeat(64)));
            assertViolates(CHECK_VIOLATION,
                    () -> update(c, "UPDATE jobs SET tasks_total = 1, tasks_done = 2 WHERE id = ?", job));
        }
    }

    @Test
    void idempotencyKeysAreUniquePerTenant() throws SQLException {
        try (Connection c = db.getConnection()) {
            String a = tenant(c);
            String b = tenant(c);
            String model = model(c, a);
            String insert = "INSERT INTO jobs (id, tenant_id, kind, model_id, spec, idempotency_key)"
                    + " VALUES (?, ?, 'generate', ?, '{}', 'k1')";

            update(c, insert, UUID.randomUUID(), a, model);
            update(c, insert, UUID.randomUUID(), b, model);
            assertViolates(UNIQUE_VIOLATION, () -> update(c, insert, UUID.randomUUID(), a, model));
        }
    }

    @Test
    void schedulerQueriesUseTheirIndexes() throws SQLException {
        try (Connection c = db.getConnection()) {
            update(c, "SET enable_seqscan = off");
            assertTrue(plan(c, "SELECT id FROM tasks WHERE next_attempt_at <= now() ORDER BY next_attempt_at LIMIT 100")
                    .contains("tasks_due_idx"));
            assertTrue(plan(c, "SELECT id FROM tasks"
                    + " WHERE state IN ('RELEASED', 'RUNNING') AND lease_expires_at < now()")
                    .contains("tasks_lease_idx"));
            assertTrue(plan(c, "SELECT id FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT 100")
                    .contains("outbox_unpublished_idx"));
            update(c, "RESET enable_seqscan");
        }
    }

    private interface Sql {
        void run() throws SQLException;
    }

    private static void assertViolates(String sqlState, Sql sql) {
        SQLException e = assertThrows(SQLException.class, sql::run);
        assertEquals(sqlState, e.getSQLState(), e.getMessage());
    }

    private static String plan(Connection c, String query) throws SQLException {
        StringBuilder plan = new StringBuilder();
        try (ResultSet rs = c.createStatement().executeQuery("EXPLAIN " + query)) {
            while (rs.next()) {
                plan.append(rs.getString(1)).append('\n');
            }
        }
        return plan.toString();
    }

    private static String tenant(Connection c) throws SQLException {
        String id = "t-" + UUID.randomUUID();
        update(c, "INSERT INTO tenants (id, name) VALUES (?, 'Test')", id);
        return id;
    }

    private static String model(Connection c, String tenant) throws SQLException {
        String id = "m-" + UUID.randomUUID();
        update(c, "INSERT INTO models (id, slug, tenant_id, name, source) VALUES (?, ?, ?, 'Test', 'random')", id, id, tenant);
        return id;
    }

    private static UUID job(Connection c, String tenant, String model, String kind, String state, int priority)
            throws SQLException {
        UUID id = UUID.randomUUID();
        update(c, "INSERT INTO jobs (id, tenant_id, kind, model_id, spec, state, priority)"
                + " VALUES (?, ?, ?, ?, '{}', ?, ?)", id, tenant, kind, model, state, priority);
        return id;
    }

    private static void task(Connection c, UUID job, int idx, String kind, String state) throws SQLException {
        update(c, "INSERT INTO tasks (id, job_id, idx, kind, spec, state) VALUES (?, ?, ?, ?, '{}', ?)",
                UUID.randomUUID(), job, idx, kind, state);
    }

    private static void update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.execute();
        }
    }
}
