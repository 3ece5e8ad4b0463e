package ai.stylefarm.scheduler.state;

import ai.stylefarm.schemas.JobState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Job state in PostgreSQL: compare-and-set transitions along {@link JobState#canTransitionTo}, and counters. */
public final class Jobs {
    private Jobs() {
    }

    public static Optional<JobRow> lock(Connection c, UUID id) throws SQLException {
        return one(c, "SELECT " + JobRow.COLUMNS + " FROM jobs WHERE id = ? FOR UPDATE", id);
    }

    /** The row without locking it, for work that must not hold up the job's other writers (cancel requests). */
    public static Optional<JobRow> read(Connection c, UUID id) throws SQLException {
        return one(c, "SELECT " + JobRow.COLUMNS + " FROM jobs WHERE id = ?", id);
    }

    private static Optional<JobRow> one(Connection c, String sql, UUID id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setObject(1, id);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(JobRow.read(r)) : Optional.empty();
            }
        }
    }

    /**
     * @throws IllegalStateException if the transition is not allowed
     * @throws StaleWriteException if the row changed since it was read
     */
    public static JobRow move(Connection c, JobRow job, JobState to, Map<String, Object> set) throws SQLException {
        if (!job.state().canTransitionTo(to)) {
            throw new IllegalStateException("job " + job.id() + ": " + job.state() + " -> " + to + " is not allowed");
        }
        StringBuilder sql = new StringBuilder("UPDATE jobs SET state = ?, version = version + 1, updated_at = now()");
        for (String column : set.keySet()) {
            sql.append(", ").append(column).append(" = ?");
        }
        if (to.isTerminal()) {
            sql.append(", finished_at = now()");
        }
        if (to == JobState.RUNNING) {
            sql.append(", started_at = coalesce(started_at, now())");
        }
        sql.append(" WHERE id = ? AND state = ? AND version = ? RETURNING ").append(JobRow.COLUMNS);
        try (PreparedStatement s = c.prepareStatement(sql.toString())) {
            int i = 1;
            s.setString(i++, to.name());
            for (Object value : set.values()) {
                s.setObject(i++, value);
            }
            s.setObject(i++, job.id());
            s.setString(i++, job.state().name());
            s.setLong(i, job.version());
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    throw new StaleWriteException("job " + job.id() + " changed since it was read (" + job.state()
                            + ", version " + job.version() + ")");
                }
                return JobRow.read(r);
            }
        }
    }

    public static JobRow move(Connection c, JobRow job, JobState to) throws SQLException {
        return move(c, job, to, Map.of());
    }

    public static Map<String, Object> set(String column, Object value) {
        Map<String, Object> set = new LinkedHashMap<>();
        set.put(column, value);
        return set;
    }

    /** Records that tasks up to {@code planned} exist; a compare-and-set like every job write. */
    public static JobRow advancePlanning(Connection c, JobRow job, int planned) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE jobs SET tasks_planned = ?, version = version + 1,"
                + " updated_at = now() WHERE id = ? AND state = ? AND version = ? RETURNING " + JobRow.COLUMNS)) {
            s.setInt(1, planned);
            s.setObject(2, job.id());
            s.setString(3, job.state().name());
            s.setLong(4, job.version());
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    throw new StaleWriteException("job " + job.id() + " changed since it was read");
                }
                return JobRow.read(r);
            }
        }
    }

    /** One more task finished ({@code failed} or done); the caller holds the job row's lock. */
    public static void countFinishedTask(Connection c, UUID job, boolean failed) throws SQLException {
        String column = failed ? "tasks_failed" : "tasks_done";
        try (PreparedStatement s = c.prepareStatement("UPDATE jobs SET " + column + " = " + column
                + " + 1, version = version + 1, updated_at = now() WHERE id = ?")) {
            s.setObject(1, job);
            s.executeUpdate();
        }
    }

    /** Appends to the job's audit trail in the caller's transaction. */
    public static void event(Connection c, UUID job, UUID task, String type, String actor, String detailJson)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO job_events (job_id, task_id, type, actor, detail) VALUES (?, ?, ?, ?, ?::jsonb)")) {
            s.setObject(1, job);
            s.setObject(2, task);
            s.setString(3, type);
            s.setString(4, actor);
            s.setString(5, detailJson == null ? "{}" : detailJson);
            s.executeUpdate();
        }
    }
}
