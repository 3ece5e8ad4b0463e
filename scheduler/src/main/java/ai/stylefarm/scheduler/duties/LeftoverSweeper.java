package ai.stylefarm.scheduler.duties;

import ai.stylefarm.domain.storage.Bucket;
import ai.stylefarm.domain.store.Artifacts;
import ai.stylefarm.domain.store.Jobs;
import ai.stylefarm.domain.store.Transactions;
import ai.stylefarm.schemas.ObjectKeys;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * A failed or cancelled job's tasks may have stored part of their outputs before they stopped; no event recorded
 * those, so no artifact row names them and no client can reach them. Once such a job has ended (and a grace period
 * has let its workers' last uploads land), this removes every object under the job that has no row, so that what
 * the bucket holds for a job is exactly what its records say. The cancel marker stays: workers still look for it.
 */
public final class LeftoverSweeper implements Runnable {
    private static final Logger LOG = Logger.getLogger(LeftoverSweeper.class);
    private static final int BATCH = 1000;

    private final DataSource db;
    private final Bucket store;
    private final Duration grace;

    public LeftoverSweeper(DataSource db, Bucket store, Duration grace) {
        this.db = db;
        this.store = store;
        this.grace = grace;
    }

    @Override
    public void run() {
        List<UUID> ended = Transactions.inTransaction(db, c -> Jobs.leftoversToSweep(c, grace, 20));
        for (UUID job : ended) {
            // Under the job's lock: an operator's requeue reopens the job only before or after a sweep, never during.
            int removed = Transactions.inTransaction(db, c -> {
                if (Jobs.lockForSweep(c, job).isEmpty()) {
                    return 0;
                }
                int n = sweep(c, job);
                Jobs.markLeftoversSwept(c, job);
                return n;
            });
            if (removed > 0) {
                LOG.infof("Job %s: removed %d objects its unfinished tasks left without a record", job, removed);
            }
        }
    }

    private int sweep(Connection c, UUID job) throws SQLException {
        String cancelMarker = ObjectKeys.cancelMarker(job);
        List<String> batch = new ArrayList<>();
        List<String> leftovers = new ArrayList<>();
        for (String key : store.keysUnder(ObjectKeys.job(job))) {
            if (!key.equals(cancelMarker)) {
                batch.add(key);
            }
            if (batch.size() == BATCH) {
                leftovers.addAll(unrecorded(c, job, batch));
                batch.clear();
            }
        }
        leftovers.addAll(unrecorded(c, job, batch));
        store.remove(leftovers);
        return leftovers.size();
    }

    private static List<String> unrecorded(Connection c, UUID job, List<String> keys) throws SQLException {
        if (keys.isEmpty()) {
            return List.of();
        }
        Set<String> recorded = Artifacts.recordedAmong(c, job, keys);
        return keys.stream().filter(k -> !recorded.contains(k)).toList();
    }
}
