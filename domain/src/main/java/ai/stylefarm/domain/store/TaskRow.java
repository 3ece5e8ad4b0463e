package ai.stylefarm.domain.store;

import ai.stylefarm.schemas.TaskState;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.UUID;

/**
 * A task row as read for a compare-and-set: {@code (state, version)} is what the next write must still match.
 *
 * @param attemptsBefore attempts made before an operator's last requeue; the attempts this run has used are
 *                       {@code attempt - attemptsBefore}
 */
public record TaskRow(UUID id, UUID jobId, int idx, String kind, String spec, TaskState state, int attempt,
                      int attemptsBefore, String workerId, Instant leaseExpiresAt, Instant nextAttemptAt, long version) {

    static final String COLUMNS = "t.id, t.job_id, t.idx, t.kind, t.spec::text, t.state, t.attempt, t.attempts_before,"
            + " t.worker_id, t.lease_expires_at, t.next_attempt_at, t.version";

    /** Attempts made since the task was planned or last requeued by an operator. */
    public int attemptsUsed() {
        return attempt - attemptsBefore;
    }

    static TaskRow read(ResultSet r) throws SQLException {
        return new TaskRow(r.getObject("id", UUID.class), r.getObject("job_id", UUID.class), r.getInt("idx"),
                r.getString("kind"), r.getString("spec"), TaskState.valueOf(r.getString("state")), r.getInt("attempt"),
                r.getInt("attempts_before"), r.getString("worker_id"), Jobs.instant(r.getTimestamp("lease_expires_at")),
                Jobs.instant(r.getTimestamp("next_attempt_at")), r.getLong("version"));
    }
}
