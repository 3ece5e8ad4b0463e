package ai.stylefarm.scheduler.duties;

import ai.stylefarm.domain.storage.Bucket;
import ai.stylefarm.domain.store.JobEvent;
import ai.stylefarm.domain.store.JobRow;
import ai.stylefarm.domain.store.Jobs;
import ai.stylefarm.domain.store.TaskRow;
import ai.stylefarm.domain.store.Tasks;
import ai.stylefarm.domain.store.Transactions;
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
    private final Bucket store;

    public CancelSweeper(DataSource db, Bucket store) {
        this.db = db;
        this.store = store;
    }

    @Override
    public void run() {
        List<UUID> requested = Transactions.inTransaction(db, c -> Jobs.cancelRequested(c, 50));
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
            List<TaskRow> open = Tasks.lockOpen(c, id);
            for (TaskRow task : open) {
                Tasks.move(c, task, TaskState.CANCELLED, Jobs.set("error", "job cancelled"));
            }
            Jobs.move(c, job.get(), JobState.CANCELLED);
            Jobs.event(c, id, null, JobEvent.CANCELLED, "scheduler", "{\"tasks_cancelled\":" + open.size() + "}");
            LOG.infof("Job %s cancelled (%d unfinished tasks)", id, open.size());
            return null;
        });
    }
}
