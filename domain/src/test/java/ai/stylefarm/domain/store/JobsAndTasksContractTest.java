package ai.stylefarm.domain.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stylefarm.domain.testing.JobBuilder;
import ai.stylefarm.domain.testing.TestDatabase;
import ai.stylefarm.domain.testing.TestRows;
import ai.stylefarm.schemas.JobKind;
import ai.stylefarm.schemas.JobState;
import ai.stylefarm.schemas.PlannedTask;
import ai.stylefarm.schemas.TaskKind;
import ai.stylefarm.schemas.TaskState;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The scheduler's view of the jobs and tasks tables, on real PostgreSQL. */
class JobsAndTasksContractTest {
    private DataSource db;

    @BeforeEach
    void freshDatabase() {
        db = TestDatabase.fresh();
        TestRows.tenant(db, "t");
        TestRows.readyModel(db, "m", null);
    }

    @Test
    void aJobMovesOnlyAlongTheAllowListAndOnlyFromTheVersionItWasReadAt() {
        UUID id = new JobBuilder(db).state(JobState.PLANNED).tasks(TaskState.PENDING).insert();
        JobRow planned = read(id);
        JobRow running = tx(c -> Jobs.move(c, planned, JobState.RUNNING));
        assertEquals(JobState.RUNNING, running.state());
        assertThrows(StaleWriteException.class, () -> tx(c -> Jobs.move(c, planned, JobState.CANCELLED)));
        assertThrows(IllegalStateException.class, () -> tx(c -> Jobs.move(c, running, JobState.QUEUED)));
        assertEquals(JobState.RUNNING, read(id).state());
    }

    @Test
    void leavingAnEndClearsWhatTheEndRecorded() throws Exception {
        UUID id = new JobBuilder(db).state(JobState.RUNNING).tasks(TaskState.FAILED).insert();
        JobRow failed = tx(c -> Jobs.move(c, Jobs.lock(c, id).orElseThrow(), JobState.FAILED, Jobs.set("error", "x")));
        sql("UPDATE jobs SET leftovers_swept_at = now() WHERE id = '" + id + "'");
        JobRow reopened = tx(c -> Jobs.move(c, Jobs.lock(c, failed.id()).orElseThrow(), JobState.RUNNING));
        assertNull(reopened.error());
        assertEquals(List.of(id), tx(c -> Jobs.withAllTasksEnded(c, 10)), "its only task has ended");
        assertEquals(0L, count("SELECT count(*) FROM jobs WHERE finished_at IS NOT NULL OR leftovers_swept_at IS NOT NULL"));
    }

    @Test
    void aTaskIsIssuedRetriedAndRequeuedWithAttemptsThatOnlyRise() {
        UUID job = new JobBuilder(db).tasks().insert();
        tx(c -> {
            Tasks.insertPlanned(c, job, List.of(new PlannedTask(0, TaskKind.GENERATE, "{}")));
            Tasks.insertPlanned(c, job, List.of(new PlannedTask(0, TaskKind.GENERATE, "{}")));
            return null;
        });
        TaskRow pending = tx(c -> Tasks.lockNextDue(c, job).orElseThrow());
        assertEquals(TaskState.PENDING, pending.state());
        TaskRow released = tx(c -> Tasks.issue(c, pending, Instant.now().plusSeconds(60), 3));
        assertEquals(1, released.attempt());
        assertTrue(tx(c -> Tasks.lockNextDue(c, job)).isEmpty(), "an issued task is not due");

        TaskRow waiting = tx(c -> Tasks.retryAt(c, released, Instant.now().plusSeconds(3600), "storage down"));
        assertEquals(TaskState.WAITING, waiting.state());
        assertTrue(tx(c -> Tasks.lockNextDue(c, job)).isEmpty(), "a retry waits out its back-off");

        TaskRow failed = tx(c -> Tasks.move(c, Tasks.issue(c, Tasks.lock(c, waiting.id()).orElseThrow(),
                Instant.now().plusSeconds(60), null), TaskState.FAILED, Map.of("error", "out of attempts")));
        assertEquals(2, failed.attemptsUsed());
        TaskRow requeued = tx(c -> Tasks.requeueFailed(c, failed));
        assertEquals(TaskState.WAITING, requeued.state());
        assertEquals(0, requeued.attemptsUsed(), "a requeue gives a fresh set of attempts");
        assertEquals(2, requeued.attempt(), "attempt numbers never go back");
        assertEquals(requeued.id(), tx(c -> Tasks.lockNextDue(c, job)).orElseThrow().id(), "due at once");
    }

    @Test
    void theReleaserCountsInFlightTasksAndSkipsPausedJobs() {
        UUID running = new JobBuilder(db).tasks(TaskState.RUNNING, TaskState.RELEASED, TaskState.PENDING).insert();
        UUID paused = new JobBuilder(db).state(JobState.PAUSED).tasks(TaskState.PENDING, TaskState.WAITING).insert();
        assertEquals(2, (int) tx(Tasks::inFlight));
        assertEquals(Map.of("t", 2), tx(Tasks::inFlightByTenant));
        assertEquals(Map.of("w", 1), tx(Tasks::runningByWorker));
        List<Jobs.ReleaseCandidate> candidates = tx(c -> Jobs.releaseCandidates(c, 10));
        assertEquals(List.of(running), candidates.stream().map(Jobs.ReleaseCandidate::job).toList());
        assertFalse(candidates.stream().anyMatch(j -> j.job().equals(paused)));
        assertEquals(1, tx(c -> Tasks.countByState(c, paused)).get(TaskState.WAITING));
    }

    @Test
    void leasesThatRanOutAreFoundOldestFirst() throws Exception {
        UUID job = new JobBuilder(db).tasks(TaskState.RUNNING, TaskState.RELEASED, TaskState.RUNNING).insert();
        sql("UPDATE tasks SET lease_expires_at = now() - (idx + 1) * interval '1 minute' WHERE idx < 2 AND job_id = '"
                + job + "'");
        assertEquals(List.of(1, 0), tx(c -> Tasks.expiredLeases(c, 10)).stream().map(TaskRow::idx).toList());
    }

    @Test
    void theDutiesScansFindWhatTheyAreFor() throws Exception {
        UUID ended = new JobBuilder(db).tasks(TaskState.SUCCEEDED, TaskState.FAILED).insert();
        UUID busy = new JobBuilder(db).tasks(TaskState.SUCCEEDED, TaskState.RUNNING).insert();
        UUID cancelled = new JobBuilder(db).state(JobState.CANCELLED).tasks(TaskState.CANCELLED).insert();
        UUID cancelAsked = new JobBuilder(db).tasks(TaskState.RUNNING).insert();
        sql("UPDATE jobs SET cancel_requested_at = now() WHERE id = '" + cancelAsked + "'");
        sql("UPDATE jobs SET finished_at = now() - interval '1 hour' WHERE id = '" + cancelled + "'");

        assertEquals(List.of(ended), tx(c -> Jobs.withAllTasksEnded(c, 10)));
        assertEquals(List.of(cancelAsked), tx(c -> Jobs.cancelRequested(c, 10)));
        assertEquals(List.of(cancelled), tx(c -> Jobs.leftoversToSweep(c, Duration.ofMinutes(1), 10)));
        assertTrue(tx(c -> Jobs.lockForSweep(c, cancelled)).isPresent());
        tx(c -> {
            Jobs.markLeftoversSwept(c, cancelled);
            return null;
        });
        assertTrue(tx(c -> Jobs.lockForSweep(c, cancelled)).isEmpty(), "swept once");
        assertFalse(tx(c -> Jobs.withAllTasksEnded(c, 10)).contains(busy));
    }

    @Test
    void onlyOneWriterAtATimeClaimsAJobsFinalization() throws Exception {
        UUID job = new JobBuilder(db).tasks(TaskState.SUCCEEDED).insert();
        try (Connection first = db.getConnection(); Connection second = db.getConnection()) {
            first.setAutoCommit(false);
            second.setAutoCommit(false);
            assertTrue(Jobs.claimFinalization(first, job));
            assertFalse(Jobs.claimFinalization(second, job));
            first.rollback();
            assertTrue(Jobs.claimFinalization(second, job), "released with its transaction");
            second.rollback();
        }
    }

    @Test
    void artifactsAreRecordedOncePerKeyAndStreamedInOrder() throws Exception {
        UUID job = new JobBuilder(db).kind(JobKind.GENERATE).tasks(TaskState.SUCCEEDED).insert();
        List<Artifacts.NewArtifact> parts = List.of(
                new Artifacts.NewArtifact(null, "jobs/" + job + "/manifest/part-00001.jsonl", "manifest_part", null, 2, "b".repeat(64)),
                new Artifacts.NewArtifact(null, "jobs/" + job + "/manifest/part-00000.jsonl", "manifest_part", null, 1, "a".repeat(64)));
        tx(c -> {
            Artifacts.record(c, job, parts);
            Artifacts.record(c, job, parts);
            return null;
        });
        assertEquals(2L, count("SELECT count(*) FROM artifacts"));
        List<String> streamed = new java.util.ArrayList<>();
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            Artifacts.stream(c, job, List.of("manifest_part"), a -> streamed.add(a.sha256()));
        }
        assertEquals(List.of("a".repeat(64), "b".repeat(64)), streamed);
        assertEquals(java.util.Set.of(parts.get(0).key()), tx(c -> Artifacts.recordedAmong(c, job,
                List.of(parts.get(0).key(), "jobs/" + job + "/other.png"))));
    }

    @Test
    void theCountsByStateNameEveryState() {
        new JobBuilder(db).state(JobState.PAUSED).tasks(TaskState.WAITING).insert();
        Map<JobState, Long> jobs = tx(Jobs::countByState);
        assertEquals(JobState.values().length, jobs.size());
        assertEquals(1L, jobs.get(JobState.PAUSED));
        assertEquals(1L, tx(Tasks::countByState).get(TaskState.WAITING));
    }

    private JobRow read(UUID id) {
        return tx(c -> Jobs.read(c, id).orElseThrow());
    }

    private <T> T tx(Transactions.Work<T> work) {
        return Transactions.inTransaction(db, work);
    }

    private void sql(String sql) throws Exception {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private long count(String sql) throws Exception {
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); var r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }
}
