package ai.stylefarm.worker;

import ai.stylefarm.domain.storage.Bucket;
import ai.stylefarm.schemas.ObjectKeys;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether a job was cancelled, from the marker the scheduler writes to the bucket (workers never read the
 * database). Answers are cached briefly, so checking between batches costs one small request a second at most;
 * a cancelled job stays cancelled.
 */
final class CancelWatch {
    private static final Duration RECHECK = Duration.ofSeconds(1);

    private final Bucket store;
    private final Clock clock;
    private final Map<UUID, Instant> checkedAt = new ConcurrentHashMap<>();
    private final Map<UUID, Boolean> cancelled = new ConcurrentHashMap<>();

    CancelWatch(Bucket store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    boolean isCancelled(UUID jobId) {
        if (Boolean.TRUE.equals(cancelled.get(jobId))) {
            return true;
        }
        Instant now = clock.instant();
        Instant last = checkedAt.get(jobId);
        if (last != null && now.isBefore(last.plus(RECHECK))) {
            return false;
        }
        boolean marked;
        try {
            marked = store.exists(ObjectKeys.cancelMarker(jobId));
        } catch (Bucket.StorageException e) {
            // Storage unreachable: rendering fails on its own if it stays so; a missed cancel only costs work.
            return false;
        }
        checkedAt.put(jobId, now);
        if (marked) {
            cancelled.put(jobId, true);
        }
        if (checkedAt.size() > 10_000) {
            // Workers live long and see many jobs; forgetting old answers only costs a re-check.
            checkedAt.clear();
        }
        return marked;
    }
}
