package ai.stylefarm.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stylefarm.domain.store.StaleWriteException;
import ai.stylefarm.domain.store.TaskRow;
import ai.stylefarm.domain.store.Tasks;
import ai.stylefarm.domain.store.Transactions;
import ai.stylefarm.migrations.Migrations;
import ai.stylefarm.scheduler.config.SchedulerConfig;
import ai.stylefarm.scheduler.duties.LeaseReaper;
import ai.stylefarm.scheduler.metrics.SchedulerMetrics;
import ai.stylefarm.scheduler.planning.TaskEventIntake;
import ai.stylefarm.schemas.GenerateTaskSpec;
import ai.stylefarm.schemas.ImageFormat;
import ai.stylefarm.schemas.Layout;
import ai.stylefarm.schemas.NoiseMode;
import ai.stylefarm.schemas.PlannedTask;
import ai.stylefarm.schemas.Seeds;
import ai.stylefarm.schemas.TaskEvent;
import ai.stylefarm.schemas.TaskKind;
import ai.stylefarm.schemas.TaskMessage;
import ai.stylefarm.schemas.TaskState;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Task state on a real PostgreSQL: allow-listed compare-and-set writes, stale events, retries and leases. */
class TaskStateTest {
    private static final SchedulerConfig.Scheduler SETTINGS = new Settings();
    private static EmbeddedPostgres postgres;
    private static DataSource db;

    private UUID job;
    private UUID task;

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        db = postgres.getPostgresDatabase();
        Migrations.migrate(db);
        try (Connection c = db.getConnection()) {
            c.createStatement().execute("INSERT INTO tenants (id, name) VALUES ('t', 't')");
            c.createStatement().execute("INSERT INTO models (id, slug, name, state, source, bundle_sha256, metadata) VALUES"
                    + " ('m', 'm', 'm', 'READY', 'random', repeat('a', 64), '{}')");
        }
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        postgres.close();
    }

    @BeforeEach
    void oneRunningJobWithOneReleasedTask() throws Exception {
        job = UUID.randomUUID();
        task = UUID.randomUUID();
        try (Connection c = db.getConnection()) {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO jobs (id, tenant_id, kind, model_id, spec, state,"
                    + " tasks_total) VALUES (?, 't', 'generate', 'm', '{\"seeds\": \"0-7\"}', 'RUNNING', 1)")) {
                s.setObject(1, job);
                s.executeUpdate();
            }
            Tasks.insertPlanned(c, job, List.of(new PlannedTask(0, TaskKind.GENERATE, "{}")));
            try (PreparedStatement s = c.prepareStatement("UPDATE tasks SET id = ? WHERE job_id = ?")) {
                s.setObject(1, task);
                s.setObject(2, job);
                s.executeUpdate();
            }
        }
        Transactions.inTransaction(db, c -> Tasks.issue(c, Tasks.lock(c, task).orElseThrow(), Instant.now().plusSeconds(600), null));
    }

    @Test
    void transitionsOutsideTheAllowListAreRefused() {
        assertThrows(IllegalStateException.class, () -> Transactions.inTransaction(db,
                c -> Tasks.move(c, Tasks.lock(c, task).orElseThrow(), TaskState.SUCCEEDED, Map.of())));
        assertThrows(IllegalStateException.class, () -> Transactions.inTransaction(db,
                c -> Tasks.move(c, Tasks.lock(c, task).orElseThrow(), TaskState.PENDING, Map.of())));
        assertEquals(TaskState.RELEASED, read().state());
    }

    @Test
    void aWriteBasedOnAStaleReadFails() {
        TaskRow before = read();
        Transactions.inTransaction(db, c -> Tasks.move(c, before, TaskState.RUNNING, Map.of()));
        assertThrows(StaleWriteException.class, () -> Transactions.inTransaction(db,
                c -> Tasks.move(c, before, TaskState.CANCELLED, Map.of())));
        assertEquals(TaskState.RUNNING, read().state());
    }

    @Test
    void eventsOfASupersededAttemptChangeNothing() {
        TaskEventIntake intake = new TaskEventIntake(db, SETTINGS, Clock.systemUTC(), SchedulerMetrics.detached());
        TaskRow released = read();
        assertEquals(1, released.attempt());
        assertEquals(TaskEventIntake.Effect.STALE, intake.apply(event(TaskEvent.Type.STARTED, 2, null)));
        assertEquals(released, read());

        assertEquals(TaskEventIntake.Effect.PROGRESS, intake.apply(event(TaskEvent.Type.STARTED, 1, null)));
        assertEquals(TaskState.RUNNING, read().state());
        assertEquals("w", read().workerId());
    }

    @Test
    void aRetryableFailureIsRetriedAfterABackoffUntilTheAttemptsAreSpent() {
        TaskEventIntake intake = new TaskEventIntake(db, SETTINGS, Clock.systemUTC(), SchedulerMetrics.detached());
        for (int attempt = 1; attempt <= SETTINGS.maxAttempts(); attempt++) {
            intake.apply(event(TaskEvent.Type.STARTED, attempt, null));
            TaskEventIntake.Effect effect = intake.apply(event(TaskEvent.Type.FAILED, attempt,
                    new TaskEvent.Failure("storage unreachable", true)));
            TaskRow row = read();
            if (attempt < SETTINGS.maxAttempts()) {
                assertEquals(TaskEventIntake.Effect.RETRY_SCHEDULED, effect);
                assertEquals(TaskState.WAITING, row.state());
                assertTrue(row.nextAttemptAt().isAfter(Instant.now()), "retry waits out its back-off");
                Transactions.inTransaction(db, c -> Tasks.issue(c, Tasks.lock(c, task).orElseThrow(),
                        Instant.now().plusSeconds(600), null));
                assertEquals(attempt + 1, read().attempt());
            } else {
                assertEquals(TaskEventIntake.Effect.TASK_ENDED, effect);
                assertEquals(TaskState.FAILED, row.state());
                assertTrue(error().contains("failed on all 3 attempts; last: storage unreachable"), error());
            }
        }
    }

    @Test
    void aNonRetryableFailureFailsTheTaskAtOnceWithItsReason() {
        TaskEventIntake intake = new TaskEventIntake(db, SETTINGS, Clock.systemUTC(), SchedulerMetrics.detached());
        intake.apply(event(TaskEvent.Type.STARTED, 1, null));
        intake.apply(event(TaskEvent.Type.FAILED, 1, new TaskEvent.Failure("class_idx 12 is out of range", false)));
        assertEquals(TaskState.FAILED, read().state());
        assertEquals("class_idx 12 is out of range", error());
    }

    @Test
    void aTaskWhoseHeartbeatStopsIsReissuedWithTheNextAttempt() throws Exception {
        TaskEventIntake intake = new TaskEventIntake(db, SETTINGS, Clock.systemUTC(), SchedulerMetrics.detached());
        intake.apply(event(TaskEvent.Type.STARTED, 1, null));
        expireLease();
        List<UUID> ended = new ArrayList<>();
        LeaseReaper reaper = new LeaseReaper(db, SETTINGS, Clock.systemUTC(), ended::add, SchedulerMetrics.detached());
        reaper.run();
        TaskRow row = read();
        assertEquals(TaskState.WAITING, row.state());
        assertNotNull(row.nextAttemptAt());
        assertTrue(error().contains("no heartbeat from worker w"), error());
        Transactions.inTransaction(db, c -> Tasks.issue(c, Tasks.lock(c, task).orElseThrow(), Instant.now().plusSeconds(600), null));
        assertEquals(2, read().attempt());
        assertNull(read().nextAttemptAt());
        assertTrue(ended.isEmpty());

        // Out of attempts: the last expiry fails the task and tells the job.
        for (int attempt = 2; attempt <= SETTINGS.maxAttempts(); attempt++) {
            expireLease();
            reaper.run();
            if (attempt < SETTINGS.maxAttempts()) {
                Transactions.inTransaction(db, c -> Tasks.issue(c, Tasks.lock(c, task).orElseThrow(), Instant.now(), null));
            }
        }
        assertEquals(TaskState.FAILED, read().state());
        assertEquals(List.of(job), ended);
    }

    @Test
    void aWorkersCurrentTaskStaysTheNewerOneWhenTheOlderEndsBesideIt() throws Exception {
        TaskEventIntake intake = new TaskEventIntake(db, SETTINGS, Clock.systemUTC(), SchedulerMetrics.detached());
        UUID newer = secondReleasedTask();
        intake.apply(event(task, TaskEvent.Type.STARTED, 1, null));
        intake.apply(event(newer, TaskEvent.Type.STARTED, 1, null));
        assertEquals(newer, currentTaskOf("w"));

        intake.apply(event(task, TaskEvent.Type.FAILED, 1, new TaskEvent.Failure("job cancelled", false)));
        assertEquals(newer, currentTaskOf("w"));
        intake.apply(event(newer, TaskEvent.Type.FAILED, 1, new TaskEvent.Failure("job cancelled", false)));
        assertNull(currentTaskOf("w"));
    }

    @Test
    void anAttemptThatKafkaRedeliversToAnotherWorkerIsShownAsThatWorkers() throws Exception {
        TaskEventIntake intake = new TaskEventIntake(db, SETTINGS, Clock.systemUTC(), SchedulerMetrics.detached());
        intake.apply(event(task, TaskEvent.Type.STARTED, 1, null, "w"));
        assertEquals("w", read().workerId());
        // w stalls, its partitions go to w2, which runs the same attempt and ends it.
        assertEquals(TaskEventIntake.Effect.PROGRESS, intake.apply(event(task, TaskEvent.Type.STARTED, 1, null, "w2")));
        assertEquals("w2", read().workerId());
        intake.apply(event(task, TaskEvent.Type.FAILED, 1, new TaskEvent.Failure("no such class", false), "w2"));
        assertEquals(TaskState.FAILED, read().state());
        assertEquals("w2", read().workerId(), "the task grid names the worker that ended the task");
        assertEquals(1, count("SELECT count(*) FROM job_events WHERE task_id = '" + task
                + "' AND type = 'TASK_REASSIGNED' AND actor = 'w2'"));
    }

    private long count(String sql) {
        return Transactions.inTransaction(db, c -> {
            try (var r = c.createStatement().executeQuery(sql)) {
                r.next();
                return r.getLong(1);
            }
        });
    }

    private UUID secondReleasedTask() throws Exception {
        UUID id;
        try (Connection c = db.getConnection()) {
            Tasks.insertPlanned(c, job, List.of(new PlannedTask(1, TaskKind.GENERATE, "{}")));
            try (PreparedStatement s = c.prepareStatement("UPDATE jobs SET tasks_total = 2 WHERE id = ?")) {
                s.setObject(1, job);
                s.executeUpdate();
            }
            try (PreparedStatement s = c.prepareStatement("SELECT id FROM tasks WHERE job_id = ? AND idx = 1")) {
                s.setObject(1, job);
                try (var r = s.executeQuery()) {
                    r.next();
                    id = r.getObject(1, UUID.class);
                }
            }
        }
        Transactions.inTransaction(db, c -> Tasks.issue(c, Tasks.lock(c, id).orElseThrow(),
                Instant.now().plusSeconds(600), null));
        return id;
    }

    private UUID currentTaskOf(String worker) throws Exception {
        try (Connection c = db.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT current_task_id FROM workers WHERE id = ?")) {
            s.setString(1, worker);
            try (var r = s.executeQuery()) {
                assertTrue(r.next(), "worker " + worker + " is recorded");
                return r.getObject(1, UUID.class);
            }
        }
    }

    private void expireLease() throws Exception {
        try (Connection c = db.getConnection();
             PreparedStatement s = c.prepareStatement("UPDATE tasks SET lease_expires_at = ? WHERE id = ?")) {
            s.setTimestamp(1, Timestamp.from(Instant.now().minusSeconds(5)));
            s.setObject(2, task);
            s.executeUpdate();
        }
    }

    private TaskEvent event(TaskEvent.Type type, int attempt, TaskEvent.Failure failure) {
        return event(task, type, attempt, failure);
    }

    private TaskEvent event(UUID taskId, TaskEvent.Type type, int attempt, TaskEvent.Failure failure) {
        return event(taskId, type, attempt, failure, "w");
    }

    private TaskEvent event(UUID taskId, TaskEvent.Type type, int attempt, TaskEvent.Failure failure, String worker) {
        TaskMessage message = new TaskMessage(taskId, job, attempt, "m", null, "a".repeat(64),
                new GenerateTaskSpec(Seeds.parse("0-7"), 1.0, null, null, NoiseMode.CONST, ImageFormat.PNG, Layout.FILES,
                        "jobs/" + job + "/images/"), 60, Instant.now());
        return switch (type) {
            case STARTED -> TaskEvent.started(message, worker, new TaskEvent.Device(TaskEvent.DeviceKind.CPU, "cpu"),
                    null, Instant.now());
            case FAILED -> TaskEvent.failed(message, worker, failure, Instant.now());
            default -> throw new IllegalArgumentException(type.name());
        };
    }

    private TaskRow read() {
        return Transactions.inTransaction(db, c -> Tasks.lock(c, task).orElseThrow());
    }

    private String error() {
        return Transactions.inTransaction(db, c -> {
            try (var r = c.createStatement().executeQuery("SELECT error FROM tasks WHERE id = '" + task + "'")) {
                r.next();
                return r.getString(1);
            }
        });
    }

    /** Short back-off, three attempts. */
    private static final class Settings implements SchedulerConfig.Scheduler {
        public int seedsPerTask() { return 64; }
        public int framesPerTask() { return 120; }
        public int tasksPerWorker() { return 2; }
        public int maxTasksInFlight() { return 32; }
        public int planWindow() { return 256; }
        public int maxAttempts() { return 3; }
        public Duration retryBackoff() { return Duration.ofSeconds(30); }
        public Duration retryBackoffMax() { return Duration.ofMinutes(1); }
        public Duration runningLease() { return Duration.ofSeconds(60); }
        public Duration releasedLease() { return Duration.ofMinutes(10); }
        public Duration tick() { return Duration.ofMillis(200); }
        public Duration housekeepingInterval() { return Duration.ofSeconds(10); }
        public Duration deletionGrace() { return Duration.ZERO; }
    }
}
