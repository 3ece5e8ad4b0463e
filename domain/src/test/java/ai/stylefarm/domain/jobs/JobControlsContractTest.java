package ai.stylefarm.domain.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stylefarm.domain.Refused;
import ai.stylefarm.domain.store.Jobs;
import ai.stylefarm.domain.store.Tasks;
import ai.stylefarm.domain.store.Transactions;
import ai.stylefarm.domain.testing.JobBuilder;
import ai.stylefarm.domain.testing.TestDatabase;
import ai.stylefarm.domain.testing.TestRows;
import ai.stylefarm.schemas.JobState;
import ai.stylefarm.schemas.TaskState;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The operator's controls on real PostgreSQL: allow-listed transitions, refusals that name the state. */
class JobControlsContractTest {
    private DataSource db;
    private JobControls controls;
    private JobRepository jobs;

    @BeforeEach
    void freshDatabase() {
        db = TestDatabase.fresh();
        TestRows.tenant(db, "t");
        TestRows.readyModel(db, "m", null);
        controls = new JobControls(db);
        jobs = new JobRepository(db);
    }

    @Test
    void aPausedJobReleasesNothingUntilResumed() {
        UUID id = new JobBuilder(db).tasks(TaskState.RUNNING, TaskState.PENDING).insert();
        controls.pause(id, "ops");
        assertEquals("PAUSED", state(id));
        assertTrue(Transactions.inTransaction(db, c -> Jobs.releaseCandidates(c, 10)).isEmpty());
        controls.pause(id, "ops");
        assertEquals("PAUSED", state(id), "pausing twice is no error");

        controls.resume(id, "ops");
        assertEquals("RUNNING", state(id));
        assertEquals(1, Transactions.inTransaction(db, c -> Jobs.releaseCandidates(c, 10)).size());
        assertEquals(2L, events(id, "'PAUSED', 'RESUMED'"));
    }

    @Test
    void onlyLiveJobsArePausedOrResumedAndTheRefusalNamesTheState() {
        UUID done = new JobBuilder(db).state(JobState.SUCCEEDED).tasks(TaskState.SUCCEEDED).insert();
        Refused r = assertThrows(Refused.class, () -> controls.pause(done, "ops"));
        assertEquals(Refused.Why.CONFLICT, r.why());
        assertTrue(r.getMessage().contains("is SUCCEEDED"), r.getMessage());
        UUID running = new JobBuilder(db).tasks(TaskState.RUNNING).insert();
        assertEquals(Refused.Why.CONFLICT, assertThrows(Refused.class, () -> controls.resume(running, "ops")).why());
        UUID queued = new JobBuilder(db).state(JobState.QUEUED).tasks().insert();
        assertEquals(Refused.Why.CONFLICT, assertThrows(Refused.class, () -> controls.pause(queued, "ops")).why());
        assertEquals(Refused.Why.NOT_FOUND, assertThrows(Refused.class,
                () -> controls.pause(UUID.randomUUID(), "ops")).why());
    }

    @Test
    void aNewPriorityIsRecordedWithWhatItWas() {
        UUID id = new JobBuilder(db).priority(5).tasks(TaskState.PENDING).insert();
        controls.setPriority(id, 9, "ops");
        assertEquals(9, jobs.find(id).orElseThrow().priority());
        controls.setPriority(id, 9, "ops");
        assertEquals(1L, events(id, "'PRIORITY_CHANGED'"), "an unchanged priority records nothing");
    }

    @Test
    void requeueReopensOnlyTheFailedTasksOfAFailedJob() throws Exception {
        UUID id = new JobBuilder(db).state(JobState.FAILED)
                .tasks(TaskState.SUCCEEDED, TaskState.FAILED, TaskState.FAILED).insert();
        assertEquals(2, controls.requeueFailed(id, "ops"));
        JobView job = jobs.find(id).orElseThrow();
        assertEquals("RUNNING", job.state());
        assertEquals(new JobView.Tasks(3, 1, 0), job.tasks());
        assertNull(job.error());
        Map<TaskState, Integer> counts = Transactions.inTransaction(db, c -> Tasks.countByState(c, id));
        assertEquals(Map.of(TaskState.SUCCEEDED, 1, TaskState.WAITING, 2), counts);
        assertEquals(Refused.Why.CONFLICT, assertThrows(Refused.class, () -> controls.requeueFailed(id, "ops")).why(),
                "a running job has nothing to requeue");
    }

    @Test
    void aJobThatFailedAsAWholeOrLostItsOutputsIsNotRequeued() throws Exception {
        UUID whole = new JobBuilder(db).state(JobState.FAILED).tasks(TaskState.SUCCEEDED).insert();
        Refused r = assertThrows(Refused.class, () -> controls.requeueFailed(whole, "ops"));
        assertTrue(r.getMessage().contains("no failed tasks"), r.getMessage());
        UUID expired = new JobBuilder(db).state(JobState.FAILED).tasks(TaskState.FAILED).insert();
        sql("UPDATE jobs SET outputs_deleted_at = now() WHERE id = '" + expired + "'");
        assertTrue(assertThrows(Refused.class, () -> controls.requeueFailed(expired, "ops")).getMessage()
                .contains("retention"));
    }

    @Test
    void aDeletedJobIsNotFoundByAnyControl() throws Exception {
        UUID id = new JobBuilder(db).state(JobState.FAILED).tasks(TaskState.FAILED).insert();
        sql("UPDATE jobs SET delete_requested_at = now() WHERE id = '" + id + "'");
        assertEquals(Refused.Why.NOT_FOUND, assertThrows(Refused.class, () -> controls.requeueFailed(id, "o")).why());
        assertEquals(Refused.Why.NOT_FOUND, assertThrows(Refused.class, () -> controls.setPriority(id, 1, "o")).why());
    }

    private String state(UUID id) {
        return jobs.find(id).orElseThrow().state();
    }

    private long events(UUID job, String types) {
        return Transactions.inTransaction(db, c -> {
            try (Statement s = c.createStatement(); var r = s.executeQuery("SELECT count(*) FROM job_events WHERE job_id = '"
                    + job + "' AND type IN (" + types + ")")) {
                r.next();
                return r.getLong(1);
            }
        });
    }

    private void sql(String sql) throws Exception {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
