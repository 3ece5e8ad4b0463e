package ai.stylefarm.scheduler.duties;

import ai.stylefarm.scheduler.state.Jobs;
import ai.stylefarm.scheduler.state.Transactions;
import ai.stylefarm.scheduler.storage.ObjectStore;
import ai.stylefarm.schemas.JobState;
import ai.stylefarm.schemas.ObjectKeys;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Deletes the outputs of jobs that ended longer ago than their tenant's {@code retention_days}: every object under
 * the job's prefix, then its artifact rows, and marks the job {@code outputs_deleted_at}. The job itself, its tasks
 * and its audit trail stay, so history and billing still see it.
 */
public final class OutputRetention implements Runnable {
    private static final Logger LOG = Logger.getLogger(OutputRetention.class);

    private final DataSource db;
    private final ObjectStore store;

    public OutputRetention(DataSource db, ObjectStore store) {
        this.db = db;
        this.store = store;
    }

    @Override
    public void run() {
        int budget = JobReaper.OBJECTS_PER_PASS;
        List<UUID> expired = Transactions.ids(db, "SELECT j.id FROM jobs j JOIN tenants t ON t.id = j.tenant_id"
                + " WHERE j.state IN " + JobState.terminalSql() + " AND j.outputs_deleted_at IS NULL"
                + " AND j.delete_requested_at IS NULL AND t.retention_days IS NOT NULL"
                + " AND j.finished_at < now() - make_interval(days => t.retention_days) ORDER BY j.finished_at LIMIT 20");
        for (UUID job : expired) {
            int removed = store.removeUnder(ObjectKeys.job(job), budget);
            budget -= removed;
            if (budget <= 0) {
                return;
            }
            Transactions.inTransaction(db, c -> {
                try (PreparedStatement s = c.prepareStatement("DELETE FROM artifacts WHERE job_id = ?")) {
                    s.setObject(1, job);
                    s.executeUpdate();
                }
                try (PreparedStatement s = c.prepareStatement("UPDATE jobs SET outputs_deleted_at = now(),"
                        + " updated_at = now(), version = version + 1 WHERE id = ? AND outputs_deleted_at IS NULL")) {
                    s.setObject(1, job);
                    s.executeUpdate();
                }
                Jobs.event(c, job, null, "OUTPUTS_EXPIRED", "scheduler", "{\"objects\":" + removed + "}");
                return null;
            });
            LOG.infof("Job %s: %d outputs deleted, past its tenant's retention period", job, removed);
        }
    }
}
