package ai.stylefarm.domain.store;

import ai.stylefarm.schemas.JobState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The jobs table as the scheduler and the operator controls write it, inside the caller's transaction: compare-and-set
 * transitions along {@link JobState#canTransitionTo}, counters, the audit trail, and the scans that periodic duties
 * start from.
 */
public final class Jobs {
    /** The advisory-lock key space of finalization (the first of the two 32-bit keys). */
    private static final int FINALIZE_LOCK_SPACE = 0x5f1a11;

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
     * Moves {@code job} to {@code to}, setting the given columns as well. Ending stamps {@code finished_at}; leaving an
     * end (an operator's requeue) clears it, with the error and the leftover sweep of that end.
     *
     * @throws IllegalStateException if the transition is not allowed
     * @throws StaleWriteException if the row changed since it was read
     */
    public static JobRow move(Connection c, JobRow job, JobState to, Map<String, Object> set) throws SQLException {
        if (!job.state().canTransitionTo(to)) {
            throw new IllegalStateException("job " + job.id() + ": " + job.state() + " -> " + to + " is not allowed");
        }
        Map<String, Object> columns = new LinkedHashMap<>();
        if (job.state().isTerminal() && !to.isTerminal()) {
            columns.put("finished_at", null);
            columns.put("error", null);
            columns.put("leftovers_swept_at", null);
        }
        columns.putAll(set);
        StringBuilder sql = new StringBuilder("UPDATE jobs SET state = ?, version = version + 1, updated_at = now()");
        for (String column : columns.keySet()) {
            sql.append(", ").append(column).append(" = ?");
        }
        if (to.isTerminal()) {
            sql.append(", finished_at = now()");
        }
        if (to == JobState.RUNNING) {
            sql.append(", started_at = coalesce(started_at, now())");
        }
        return compareAndSet(c, job, sql, to.name(), columns.values());
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
        return compareAndSet(c, job, new StringBuilder("UPDATE jobs SET state = ?, version = version + 1,"
                + " updated_at = now(), tasks_planned = ?"), job.state().name(), List.of(planned));
    }

    /** A new priority: the releaser reads it on its next pass. A compare-and-set like every job write. */
    public static JobRow setPriority(Connection c, JobRow job, int priority) throws SQLException {
        return compareAndSet(c, job, new StringBuilder("UPDATE jobs SET state = ?, version = version + 1,"
                + " updated_at = now(), priority = ?"), job.state().name(), List.of(priority));
    }

    private static JobRow compareAndSet(Connection c, JobRow job, StringBuilder update, String state,
                                        java.util.Collection<Object> values) throws SQLException {
        update.append(" WHERE id = ? AND state = ? AND version = ? RETURNING ").append(JobRow.COLUMNS);
        try (PreparedStatement s = c.prepareStatement(update.toString())) {
            int i = 1;
            s.setString(i++, state);
            for (Object value : values) {
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

    /** One more task finished ({@code failed} or done); the caller holds the job row's lock. */
    public static void countFinishedTask(Connection c, UUID job, boolean failed) throws SQLException {
        addToCounter(c, job, failed ? "tasks_failed" : "tasks_done", 1);
    }

    /** {@code n} failed tasks requeued; the caller holds the job row's lock. */
    public static void uncountFailedTasks(Connection c, UUID job, int n) throws SQLException {
        addToCounter(c, job, "tasks_failed", -n);
    }

    private static void addToCounter(Connection c, UUID job, String column, int delta) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE jobs SET " + column + " = " + column
                + " + ?, version = version + 1, updated_at = now() WHERE id = ?")) {
            s.setInt(1, delta);
            s.setObject(2, job);
            s.executeUpdate();
        }
    }

    /** Appends to the job's audit trail in the caller's transaction. */
    public static void event(Connection c, UUID job, UUID task, JobEvent type, String actor, String detailJson)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO job_events (job_id, task_id, type, actor, detail) VALUES (?, ?, ?, ?, ?::jsonb)")) {
            s.setObject(1, job);
            s.setObject(2, task);
            s.setString(3, type.name());
            s.setString(4, actor);
            s.setString(5, detailJson == null ? "{}" : detailJson);
            s.executeUpdate();
        }
    }

    /**
     * The job's finalization lock for this transaction; false when another writer holds it. The task-event consumer,
     * the periodic sweep and another scheduler may all try to end a job: the first to take this lock writes.
     */
    public static boolean claimFinalization(Connection c, UUID job) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT pg_try_advisory_xact_lock(?, ?)")) {
            s.setInt(1, FINALIZE_LOCK_SPACE);
            s.setInt(2, job.hashCode());
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getBoolean(1);
            }
        }
    }

    /** Live jobs with a cancel request, oldest request first. */
    public static List<UUID> cancelRequested(Connection c, int limit) throws SQLException {
        return ids(c, "SELECT id FROM jobs WHERE cancel_requested_at IS NOT NULL AND state IN " + JobState.liveSql()
                + " ORDER BY cancel_requested_at LIMIT ?", limit);
    }

    /** Jobs asked to be deleted more than {@code grace} ago that ended (or were asked) more than {@code grace} ago. */
    public static List<UUID> deleteRequested(Connection c, Duration grace, int limit) throws SQLException {
        return ids(c, "SELECT id FROM jobs WHERE delete_requested_at IS NOT NULL"
                + " AND delete_requested_at < now() - ? * interval '1 millisecond'"
                + " AND coalesce(finished_at, delete_requested_at) < now() - ? * interval '1 millisecond'"
                + " ORDER BY delete_requested_at LIMIT ?", grace.toMillis(), grace.toMillis(), limit);
    }

    /** Deletes a job asked to be deleted, with its tasks, artifacts and audit trail; false if it is not one. */
    public static boolean deleteRequestedRows(Connection c, UUID job) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM jobs WHERE id = ? AND delete_requested_at IS NOT NULL")) {
            s.setObject(1, job);
            return s.executeUpdate() == 1;
        }
    }

    /** Ended jobs, not deleted, whose tenant's retention period has passed and whose outputs still exist. */
    public static List<UUID> pastRetention(Connection c, int limit) throws SQLException {
        return ids(c, "SELECT j.id FROM jobs j JOIN tenants t ON t.id = j.tenant_id WHERE j.state IN "
                + JobState.terminalSql() + " AND j.outputs_deleted_at IS NULL AND j.delete_requested_at IS NULL"
                + " AND t.retention_days IS NOT NULL AND j.finished_at < now() - make_interval(days => t.retention_days)"
                + " ORDER BY j.finished_at LIMIT ?", limit);
    }

    /** Records that the job's outputs were deleted (their artifact rows go with this). */
    public static void markOutputsDeleted(Connection c, UUID job, int objects) throws SQLException {
        Artifacts.deleteAll(c, job);
        try (PreparedStatement s = c.prepareStatement("UPDATE jobs SET outputs_deleted_at = now(), updated_at = now(),"
                + " version = version + 1 WHERE id = ? AND outputs_deleted_at IS NULL")) {
            s.setObject(1, job);
            s.executeUpdate();
        }
        event(c, job, null, JobEvent.OUTPUTS_EXPIRED, "scheduler", "{\"objects\":" + objects + "}");
    }

    /** Jobs releasing tasks, not fully planned, with fewer than {@code window} planned tasks still waiting. */
    public static List<UUID> needingPlan(Connection c, int window, int limit) throws SQLException {
        return ids(c, "SELECT j.id FROM jobs j WHERE j.state IN " + JobState.releasingSql()
                + " AND j.tasks_planned < j.tasks_total AND j.cancel_requested_at IS NULL AND (SELECT count(*)"
                + " FROM tasks t WHERE t.job_id = j.id AND t.state IN " + ai.stylefarm.schemas.TaskState.queuedSql()
                + ") < ? LIMIT ?", window, limit);
    }

    /** Planned, live jobs none of whose tasks is open: ready to be ended. */
    public static List<UUID> withAllTasksEnded(Connection c, int limit) throws SQLException {
        return ids(c, "SELECT j.id FROM jobs j WHERE j.state IN " + JobState.liveSql() + " AND j.state <> "
                + JobState.QUEUED.sql() + " AND j.tasks_total > 0 AND j.tasks_planned = j.tasks_total"
                + " AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.job_id = j.id AND t.state IN "
                + ai.stylefarm.schemas.TaskState.openSql() + ") LIMIT ?", limit);
    }

    /** Failed or cancelled jobs, ended more than {@code grace} ago, whose unrecorded objects were not yet swept. */
    public static List<UUID> leftoversToSweep(Connection c, Duration grace, int limit) throws SQLException {
        return ids(c, "SELECT id FROM jobs WHERE leftovers_swept_at IS NULL AND state IN (" + JobState.FAILED.sql()
                + ", " + JobState.CANCELLED.sql() + ") AND delete_requested_at IS NULL"
                + " AND finished_at < now() - ? * interval '1 millisecond' ORDER BY finished_at LIMIT ?",
                grace.toMillis(), limit);
    }

    /**
     * Locks a job for its leftover sweep: present only while it is still failed or cancelled and unswept. Holding
     * the lock across the sweep keeps an operator's requeue (which reopens the job) from racing it.
     */
    public static Optional<JobRow> lockForSweep(Connection c, UUID job) throws SQLException {
        return one(c, "SELECT " + JobRow.COLUMNS + " FROM jobs WHERE id = ? AND leftovers_swept_at IS NULL AND state IN ("
                + JobState.FAILED.sql() + ", " + JobState.CANCELLED.sql() + ") FOR UPDATE", job);
    }

    public static void markLeftoversSwept(Connection c, UUID job) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE jobs SET leftovers_swept_at = now() WHERE id = ?")) {
            s.setObject(1, job);
            s.executeUpdate();
        }
    }

    /** A job with due tasks, with what its task messages need: the model and its bundle checksum. */
    public record ReleaseCandidate(UUID job, String tenant, int priority, Instant createdAt, int weight, String modelId,
                                   String modelSha256, String modelName) {
    }

    /** Jobs releasing tasks with at least one task due, highest priority and oldest first. */
    public static List<ReleaseCandidate> releaseCandidates(Connection c, int limit) throws SQLException {
        List<ReleaseCandidate> jobs = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT j.id, j.tenant_id, j.priority, j.created_at, tn.weight,"
                + " m.id, m.bundle_sha256, m.slug FROM jobs j JOIN tenants tn ON tn.id = j.tenant_id JOIN models m"
                + " ON m.id = j.model_id WHERE j.state IN " + JobState.releasingSql()
                + " AND j.cancel_requested_at IS NULL AND EXISTS (SELECT 1 FROM tasks t WHERE t.job_id = j.id"
                + " AND t.state IN " + ai.stylefarm.schemas.TaskState.queuedSql() + " AND t.next_attempt_at <= now())"
                + " ORDER BY j.priority DESC, j.created_at LIMIT ?")) {
            s.setInt(1, limit);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    jobs.add(new ReleaseCandidate(r.getObject(1, UUID.class), r.getString(2), r.getInt(3),
                            r.getTimestamp(4).toInstant(), r.getInt(5), r.getString(6), r.getString(7),
                            r.getString(8)));
                }
            }
        }
        return jobs;
    }

    /** Every job state with its count, zero included. */
    public static Map<JobState, Long> countByState(Connection c) throws SQLException {
        Map<JobState, Long> counts = new EnumMap<>(JobState.class);
        for (JobState state : JobState.values()) {
            counts.put(state, 0L);
        }
        try (PreparedStatement s = c.prepareStatement("SELECT state, count(*) FROM jobs GROUP BY state");
             ResultSet r = s.executeQuery()) {
            while (r.next()) {
                counts.put(JobState.valueOf(r.getString(1)), r.getLong(2));
            }
        }
        return counts;
    }

    static List<UUID> ids(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            List<UUID> ids = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    ids.add(r.getObject(1, UUID.class));
                }
            }
            return ids;
        }
    }

    static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
