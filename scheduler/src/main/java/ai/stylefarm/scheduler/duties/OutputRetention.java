package ai.stylefarm.scheduler.duties;

import ai.stylefarm.domain.storage.Bucket;
import ai.stylefarm.domain.store.Jobs;
import ai.stylefarm.domain.store.Transactions;
import ai.stylefarm.schemas.ObjectKeys;
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
    private final Bucket store;

    public OutputRetention(DataSource db, Bucket store) {
        this.db = db;
        this.store = store;
    }

    @Override
    public void run() {
        int budget = JobReaper.OBJECTS_PER_PASS;
        List<UUID> expired = Transactions.inTransaction(db, c -> Jobs.pastRetention(c, 20));
        for (UUID job : expired) {
            int removed = store.removeUnder(ObjectKeys.job(job), budget);
            budget -= removed;
            if (budget <= 0) {
                return;
            }
            Transactions.inTransaction(db, c -> {
                Jobs.markOutputsDeleted(c, job, removed);
                return null;
            });
            LOG.infof("Job %s: %d outputs deleted, past its tenant's retention period", job, removed);
        }
    }
}
