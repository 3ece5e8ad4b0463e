package ai.stylefarm.scheduler.duties;

import ai.stylefarm.scheduler.state.JobRow;
import ai.stylefarm.scheduler.state.Jobs;
import ai.stylefarm.scheduler.state.TaskRow;
import ai.stylefarm.scheduler.state.Tasks;
import ai.stylefarm.scheduler.state.Transactions;
import ai.stylefarm.scheduler.storage.ObjectStore;
import ai.stylefarm.schemas.JobState;
import ai.stylefarm.schemas.ObjectKeys;
import ai.stylefarm.schemas.TaskState;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Carries out cancel requests the gateway recorded: the cancel marker goes to the bucket first (workers check it
 * between batches and stop), then every unfinished task and the job become CANCELLED in one transaction.
 */
public final class CancelSweeper implements Runnable {
    private static final Logger LOG = Logger.getLogger(CancelSweeper.class);

    private final DataSource db;
    private final ObjectStore store;

    public CancelSweeper(DataSource db, ObjectStore store) {
        this.db = db;
        this.store = store;
    }

    @Override
    public void run() {
        List<UUID> requested = Transactions.ids(db, "SELECT id FROM jobs WHERE cancel_requested_at IS NOT NULL"
                + " AND state IN ('QUEUED', 'PLANNED', 'RUNNING') ORDER BY cancel_requested_at LIMIT 50");
        for (UUID id : requested) {
            store.put(ObjectKeys.cancelMarker(id), "cancelled\n".getBytes(StandardCharsets.UTF_8), "text/plain");
            cancel(id);
        }
    }

    private void cancel(UUID id) {
        Transactions.inTransaction(db, c -> {
            Optional<JobRow> job = Jobs.lock(c, id);
            if (job.isEmpty() || job.get().state().isTerminal()) {
                return null;
            }
            List<TaskRow> open = Tasks.select(c, "WHERE t.job_id = ? AND t.state IN ('PENDING', 'RELEASED', 'RUNNING')"
                    + " ORDER BY t.idx FOR UPDATE", id);
            for (TaskRow task : open) {
                Tasks.move(c, task, TaskState.CANCELLED, Jobs.set("error", "job cancelled"));
            }
            Jobs.move(c, job.get(), JobState.CANCELLED);
            Jobs.event(c, id, null, "CANCELLED", "scheduler", "{\"tasks_cancelled\":" + open.size() + "}");
            LOG.infof("Job %s cancelled (%d unfinished tasks)", id, open.size());
            return null;
        });
    }
}
