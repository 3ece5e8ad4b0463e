package ai.stylefarm.domain.store;

import ai.stylefarm.schemas.PlannedTask;
import ai.stylefarm.schemas.TaskState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The tasks table, inside the caller's transaction. Every write is a compare-and-set on {@code (id, state, version)}
 * and only along {@link TaskState#canTransitionTo}; every issue bumps the attempt, which is how events of an earlier
 * attempt become recognisably stale.
 */
public final class Tasks {
    private Tasks() {
    }

    /** Inserts planned tasks, PENDING and due now; a replayed plan inserts nothing twice. */
    public static void insertPlanned(Connection c, UUID job, List<PlannedTask> tasks) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO tasks (id, job_id, idx, kind, spec, next_attempt_at)"
                + " VALUES (?, ?, ?, ?, ?::jsonb, now()) ON CONFLICT (job_id, idx) DO NOTHING")) {
            for (PlannedTask task : tasks) {
                s.setObject(1, UUID.randomUUID());
                s.setObject(2, job);
                s.setInt(3, task.index());
                s.setString(4, task.kind().value());
                s.setString(5, task.specJson());
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    public static Optional<TaskRow> lock(Connection c, UUID id) throws SQLException {
        List<TaskRow> rows = select(c, "WHERE t.id = ? FOR UPDATE", id);
        return rows.stream().findFirst();
    }

    /** The job's open tasks in index order, locked: what a cancel ends. */
    public static List<TaskRow> lockOpen(Connection c, UUID job) throws SQLException {
        return select(c, "WHERE t.job_id = ? AND t.state IN " + TaskState.openSql() + " ORDER BY t.idx FOR UPDATE", job);
    }

    /** The job's failed tasks in index order, locked: what an operator's requeue reopens. */
    public static List<TaskRow> lockFailed(Connection c, UUID job) throws SQLException {
        return select(c, "WHERE t.job_id = ? AND t.state = " + TaskState.FAILED.sql() + " ORDER BY t.idx FOR UPDATE",
                job);
    }

    /** The job's first due task, locked, skipping one another releaser holds. */
    public static Optional<TaskRow> lockNextDue(Connection c, UUID job) throws SQLException {
        return select(c, "WHERE t.job_id = ? AND t.state IN " + TaskState.queuedSql() + " AND t.next_attempt_at <= now()"
                + " ORDER BY t.idx LIMIT 1 FOR UPDATE SKIP LOCKED", job).stream().findFirst();
    }

    /** Tasks in flight whose lease ran out, the longest overdue first. */
    public static List<TaskRow> expiredLeases(Connection c, int limit) throws SQLException {
        return select(c, "WHERE t.state IN " + TaskState.inFlightSql() + " AND t.lease_expires_at < now()"
                + " ORDER BY t.lease_expires_at LIMIT ?", limit);
    }

    private static List<TaskRow> select(Connection c, String whereOrderLimit, Object... args) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + TaskRow.COLUMNS + " FROM tasks t " + whereOrderLimit)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            List<TaskRow> rows = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    rows.add(TaskRow.read(r));
                }
            }
            return rows;
        }
    }

    /**
     * Moves {@code task} to {@code to}, setting the given columns as well.
     *
     * @throws IllegalStateException if the transition is not allowed
     * @throws StaleWriteException if the row changed since it was read
     */
    public static TaskRow move(Connection c, TaskRow task, TaskState to, Map<String, Object> set) throws SQLException {
        if (!task.state().canTransitionTo(to)) {
            throw new IllegalStateException("task " + task.id() + ": " + task.state() + " -> " + to + " is not allowed");
        }
        return write(c, task, to, set);
    }

    /** Issues a queued task to Kafka: attempt + 1, RELEASED, under a fresh lease. */
    public static TaskRow issue(Connection c, TaskRow task, Instant leaseExpiresAt, Integer partition)
            throws SQLException {
        Map<String, Object> set = new LinkedHashMap<>();
        set.put("attempt", task.attempt() + 1);
        set.put("lease_expires_at", Timestamp.from(leaseExpiresAt));
        set.put("next_attempt_at", null);
        set.put("worker_id", null);
        set.put("items_done", 0);
        set.put("kafka_partition", partition);
        return move(c, task, TaskState.RELEASED, set);
    }

    /** An attempt in flight ended without a result (a retryable failure, a lost lease): WAITING until {@code at}. */
    public static TaskRow retryAt(Connection c, TaskRow task, Instant at, String reason) throws SQLException {
        Map<String, Object> set = new LinkedHashMap<>();
        set.put("next_attempt_at", Timestamp.from(at));
        set.put("lease_expires_at", null);
        set.put("error", reason);
        return move(c, task, TaskState.WAITING, set);
    }

    /**
     * An operator's requeue of a failed task: WAITING and due now, with a fresh set of attempts counted from its
     * current attempt (numbers keep rising, so the old attempts' late events stay stale).
     */
    public static TaskRow requeueFailed(Connection c, TaskRow task) throws SQLException {
        Map<String, Object> set = new LinkedHashMap<>();
        set.put("next_attempt_at", Timestamp.from(Instant.now()));
        set.put("attempts_before", task.attempt());
        set.put("finished_at", null);
        set.put("error", null);
        return move(c, task, TaskState.WAITING, set);
    }

    /**
     * Records that {@code worker} now runs the task's current attempt: Kafka hands an attempt to another worker when
     * the first one's partitions are reassigned (it stalled or died), and the grid must show who does the work.
     * Not a state change, but a compare-and-set all the same.
     */
    public static TaskRow reassign(Connection c, TaskRow task, String worker) throws SQLException {
        Map<String, Object> set = new LinkedHashMap<>();
        set.put("worker_id", worker);
        return write(c, task, task.state(), set);
    }

    /**
     * A heartbeat of the running attempt: the lease and the progress only move forward. Not a state change: the lease
     * is the worker's, and racing writers only push it later.
     */
    public static void extendLease(Connection c, TaskRow task, Instant lease, int itemsDone) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE tasks SET lease_expires_at = greatest(lease_expires_at, ?),"
                + " items_done = greatest(items_done, ?), updated_at = now() WHERE id = ? AND state = "
                + TaskState.RUNNING.sql() + " AND attempt = ?")) {
            s.setTimestamp(1, Timestamp.from(lease));
            s.setInt(2, itemsDone);
            s.setObject(3, task.id());
            s.setInt(4, task.attempt());
            s.executeUpdate();
        }
    }

    private static TaskRow write(Connection c, TaskRow task, TaskState to, Map<String, Object> set) throws SQLException {
        StringBuilder sql = new StringBuilder("UPDATE tasks SET state = ?, version = version + 1, updated_at = now()");
        for (String column : set.keySet()) {
            sql.append(", ").append(column).append(" = ?");
        }
        if (to.isTerminal()) {
            sql.append(", finished_at = now(), lease_expires_at = NULL, next_attempt_at = NULL");
        }
        if (to == TaskState.RUNNING) {
            sql.append(", started_at = coalesce(started_at, now())");
        }
        sql.append(" WHERE id = ? AND state = ? AND version = ? RETURNING ").append(TaskRow.COLUMNS.replace("t.", ""));
        try (PreparedStatement s = c.prepareStatement(sql.toString())) {
            int i = 1;
            s.setString(i++, to.name());
            for (Object value : set.values()) {
                s.setObject(i++, value);
            }
            s.setObject(i++, task.id());
            s.setString(i++, task.state().name());
            s.setLong(i, task.version());
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    throw new StaleWriteException("task " + task.id() + " changed since it was read ("
                            + task.state() + ", version " + task.version() + ")");
                }
                return TaskRow.read(r);
            }
        }
    }

    /** Counts of the job's tasks by state; states without tasks are absent. */
    public static Map<TaskState, Integer> countByState(Connection c, UUID job) throws SQLException {
        Map<TaskState, Integer> counts = new EnumMap<>(TaskState.class);
        try (PreparedStatement s = c.prepareStatement("SELECT state, count(*) FROM tasks WHERE job_id = ? GROUP BY state")) {
            s.setObject(1, job);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    counts.put(TaskState.valueOf(r.getString(1)), r.getInt(2));
                }
            }
        }
        return counts;
    }

    /** Every task state with its count across the farm, zero included. */
    public static Map<TaskState, Long> countByState(Connection c) throws SQLException {
        Map<TaskState, Long> counts = new EnumMap<>(TaskState.class);
        for (TaskState state : TaskState.values()) {
            counts.put(state, 0L);
        }
        try (PreparedStatement s = c.prepareStatement("SELECT state, count(*) FROM tasks GROUP BY state");
             ResultSet r = s.executeQuery()) {
            while (r.next()) {
                counts.put(TaskState.valueOf(r.getString(1)), r.getLong(2));
            }
        }
        return counts;
    }

    /** The reason of the job's first failed task, by when it failed; null if none failed. */
    public static String firstError(Connection c, UUID job) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT error FROM tasks WHERE job_id = ? AND state = "
                + TaskState.FAILED.sql() + " ORDER BY finished_at, idx LIMIT 1")) {
            s.setObject(1, job);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? r.getString(1) : null;
            }
        }
    }

    /** Tasks in flight across the farm: the releaser's window is counted in these. */
    public static int inFlight(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM tasks WHERE state IN "
                + TaskState.inFlightSql()); ResultSet r = s.executeQuery()) {
            r.next();
            return r.getInt(1);
        }
    }

    /** Tasks in flight by tenant, for fair share. */
    public static Map<String, Integer> inFlightByTenant(Connection c) throws SQLException {
        return groupCount(c, "SELECT j.tenant_id, count(*) FROM tasks t JOIN jobs j ON j.id = t.job_id"
                + " WHERE t.state IN " + TaskState.inFlightSql() + " GROUP BY j.tenant_id");
    }

    /** Running tasks by worker. */
    public static Map<String, Integer> runningByWorker(Connection c) throws SQLException {
        return groupCount(c, "SELECT worker_id, count(*) FROM tasks WHERE state = " + TaskState.RUNNING.sql()
                + " AND worker_id IS NOT NULL GROUP BY worker_id");
    }

    /** Released tasks not yet taken up, by the Kafka partition they were sent to. */
    public static Map<Integer, Integer> releasedByPartition(Connection c) throws SQLException {
        Map<Integer, Integer> counts = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement("SELECT kafka_partition, count(*) FROM tasks WHERE state = "
                + TaskState.RELEASED.sql() + " AND kafka_partition IS NOT NULL GROUP BY 1");
             ResultSet r = s.executeQuery()) {
            while (r.next()) {
                counts.put(r.getInt(1), r.getInt(2));
            }
        }
        return counts;
    }

    private static Map<String, Integer> groupCount(Connection c, String sql) throws SQLException {
        Map<String, Integer> counts = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement(sql); ResultSet r = s.executeQuery()) {
            while (r.next()) {
                counts.put(r.getString(1), r.getInt(2));
            }
        }
        return counts;
    }
}
