package ai.stylefarm.domain.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stylefarm.domain.store.Transactions;
import ai.stylefarm.domain.store.Workers;
import ai.stylefarm.domain.testing.JobBuilder;
import ai.stylefarm.domain.testing.TestDatabase;
import ai.stylefarm.domain.testing.TestRows;
import ai.stylefarm.schemas.JobState;
import ai.stylefarm.schemas.TaskEvent;
import ai.stylefarm.schemas.TaskState;
import java.time.Instant;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the dashboard reads, on real PostgreSQL. */
class DashboardQueriesContractTest {
    private DataSource db;
    private DashboardQueries dashboard;

    @BeforeEach
    void freshDatabase() {
        db = TestDatabase.fresh();
        TestRows.tenant(db, "t");
        TestRows.readyModel(db, "m", null);
        dashboard = new DashboardQueries(db);
    }

    @Test
    void theTaskGridCountsEveryStateAndListsTasksInOrder() {
        UUID job = new JobBuilder(db).tasks(TaskState.SUCCEEDED, TaskState.FAILED, TaskState.WAITING,
                TaskState.RUNNING).insert();
        DashboardQueries.TaskGrid grid = dashboard.tasks(job, 2);
        assertEquals(1L, grid.counts().get("WAITING"));
        assertEquals(1L, grid.counts().get("FAILED"));
        assertEquals(2, grid.tasks().size());
        assertTrue(grid.truncated());
        assertEquals("boom", grid.tasks().get(1).error());
    }

    @Test
    void aWorkerIsListedFromItsEventsWithItsCurrentTask() {
        new JobBuilder(db).state(JobState.CANCELLED).tasks(TaskState.CANCELLED, TaskState.CANCELLED).insert();
        UUID job = new JobBuilder(db).tasks(TaskState.RUNNING).insert();
        UUID task = Transactions.inTransaction(db, c -> {
            try (var r = c.createStatement().executeQuery("SELECT id FROM tasks WHERE job_id = '" + job + "'")) {
                r.next();
                return r.getObject(1, UUID.class);
            }
        });
        Transactions.inTransaction(db, c -> {
            Workers.recordSighting(c, new TaskEvent(task, job, 1, "w", TaskEvent.Type.HEARTBEAT,
                    new TaskEvent.Device(TaskEvent.DeviceKind.CPU, "cpu"),
                    new TaskEvent.Host(0.25, 3L << 30, null, 600, "0.1.0"), null, null, null, null, Instant.now()));
            // A progress event says nothing of the process: what the heartbeat said stays.
            Workers.recordSighting(c, new TaskEvent(task, job, 1, "w", TaskEvent.Type.PROGRESS, null, null, 1, 8,
                    null, null, Instant.now()));
            return null;
        });
        DashboardQueries.WorkerView w = dashboard.workers().get(0);
        assertEquals("w", w.id());
        assertEquals(0.25, w.cpu(), 1e-9);
        assertEquals(3L << 30, w.memoryBytes());
        assertEquals(null, w.gpu(), "no GPU");
        assertEquals(600, w.uptimeSeconds(), 5);
        assertEquals("0.1.0", w.version());
        assertEquals(2, w.cancelledLastHour(), "its tasks cancelled with their job");
        assertEquals(0, w.failuresLastHour(), "a cancellation is not a failure");
        assertEquals("cpu", w.deviceKind());
        assertEquals(job, w.currentJob());
        assertFalse(dashboard.lastHour(null).minutes().isEmpty());
    }
}
