package ai.stylefarm.scheduler.duties;

import ai.stylefarm.scheduler.state.Transactions;
import ai.stylefarm.scheduler.storage.ObjectStore;
import ai.stylefarm.schemas.JobState;
import ai.stylefarm.schemas.ObjectKeys;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
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
    private final ObjectStore store;
    private final Duration grace;

    public LeftoverSweeper(DataSource db, ObjectStore store, Duration grace) {
        this.db = db;
        this.store = store;
        this.grace = grace;
    }

    @Override
    public void run() {
        List<UUID> ended = Transactions.ids(db, "SELECT id FROM jobs WHERE leftovers_swept_at IS NULL"
                + " AND state IN ('" + JobState.FAILED + "', '" + JobState.CANCELLED + "')"
                + " AND delete_requested_at IS NULL AND finished_at < now() - ? * interval '1 millisecond'"
                + " ORDER BY finished_at LIMIT 20", grace.toMillis());
        for (UUID job : ended) {
            int removed = sweep(job);
            Transactions.inTransaction(db, c -> {
                try (PreparedStatement s = c.prepareStatement("UPDATE jobs SET leftovers_swept_at = now() WHERE id = ?")) {
                    s.setObject(1, job);
                    return s.executeUpdate();
                }
            });
            if (removed > 0) {
                LOG.infof("Job %s: removed %d objects its unfinished tasks left without a record", job, removed);
            }
        }
    }

    private int sweep(UUID job) {
        String cancelMarker = ObjectKeys.cancelMarker(job);
        List<String> batch = new ArrayList<>();
        List<String> leftovers = new ArrayList<>();
        for (String key : store.keysUnder(ObjectKeys.job(job))) {
            if (!key.equals(cancelMarker)) {
                batch.add(key);
            }
            if (batch.size() == BATCH) {
                leftovers.addAll(unrecorded(job, batch));
                batch.clear();
            }
        }
        leftovers.addAll(unrecorded(job, batch));
        store.remove(leftovers);
        return leftovers.size();
    }

    private List<String> unrecorded(UUID job, List<String> keys) {
        if (keys.isEmpty()) {
            return List.of();
        }
        Set<String> recorded = Transactions.inTransaction(db, c -> {
            Set<String> found = new HashSet<>();
            Array array = c.createArrayOf("text", keys.toArray());
            try (PreparedStatement s = c.prepareStatement("SELECT key FROM artifacts WHERE job_id = ? AND key = ANY(?)")) {
                s.setObject(1, job);
                s.setArray(2, array);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        found.add(r.getString(1));
                    }
                }
            }
            return found;
        });
        return keys.stream().filter(k -> !recorded.contains(k)).toList();
    }
}
