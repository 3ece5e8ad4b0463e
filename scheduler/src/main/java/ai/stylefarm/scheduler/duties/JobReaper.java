package ai.stylefarm.scheduler.duties;

import ai.stylefarm.domain.storage.Bucket;
import ai.stylefarm.domain.store.Jobs;
import ai.stylefarm.domain.store.Transactions;
import ai.stylefarm.schemas.ObjectKeys;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Removes the jobs that clients deleted ({@code DELETE /v1/jobs/{id}} marks them, and the API hides them at once):
 * first every object under the job's prefix, then the job's rows, which take its tasks, artifacts and audit trail
 * with them. Objects go first, so a crash in between leaves a row that the next pass finishes, never an object
 * that no row leads to. A pass deletes a bounded number of objects, so one huge job cannot starve the others.
 */
public final class JobReaper implements Runnable {
    private static final Logger LOG = Logger.getLogger(JobReaper.class);
    static final int OBJECTS_PER_PASS = 20_000;

    private final DataSource db;
    private final Bucket store;
    private final Duration grace;

    public JobReaper(DataSource db, Bucket store, Duration grace) {
        this.db = db;
        this.store = store;
        this.grace = grace;
    }

    @Override
    public void run() {
        int budget = OBJECTS_PER_PASS;
        List<UUID> jobs = Transactions.inTransaction(db, c -> Jobs.deleteRequested(c, grace, 20));
        for (UUID job : jobs) {
            int removed = store.removeUnder(ObjectKeys.job(job), budget);
            budget -= removed;
            if (budget <= 0) {
                return;
            }
            if (Transactions.inTransaction(db, c -> Jobs.deleteRequestedRows(c, job))) {
                LOG.infof("Job %s deleted: %d objects and its rows", job, removed);
            }
        }
    }
}
