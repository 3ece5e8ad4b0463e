package ai.stylefarm.scheduler.state;

import ai.stylefarm.schemas.TaskState;
import ai.stylefarm.scheduler.planning.JobPlanner;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Task state in PostgreSQL. Every write is a compare-and-set on {@code (id, state, version)} and only along
 * {@link TaskState#canTransitionTo}; a re-issue keeps the state and bumps the attempt, which is how events of
 * the earlier attempt become recognisably stale.
 */
public final class Tasks {
    private Tasks() {
    }

    /** Inserts planned tasks, PENDING and due now; a replayed plan inserts nothing twice. */
    public static void insertPlanned(Connection c, UUID job, List<JobPlanner.PlannedTask> tasks) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO tasks (id, job_id, idx, kind, spec, next_attempt_at)"
                + " VALUES (?, ?, ?, ?, ?::jsonb, now()) ON CONFLICT (job_id, idx) DO NOTHING")) {
            for (JobPlanner.PlannedTask task : tasks) {
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
        try (PreparedStatement s = c.prepareStatement("SELECT " + TaskRow.COLUMNS + " FROM tasks t WHERE t.id = ? FOR UPDATE")) {
            s.setObject(1, id);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(TaskRow.read(r)) : Optional.empty();
            }
        }
    }

    /** Rows selected with a caller's query ({@code SELECT TaskRow.COLUMNS ...}), e.g. with FOR UPDATE SKIP LOCKED. */
    public static List<TaskRow> select(Connection c, String whereOrderLimit, Object... args) throws SQLException {
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

    /**
     * Issues the task again: attempt + 1, RELEASED, with a fresh lease. From PENDING that is the first issue; from
     * RELEASED (a retry waiting out its back-off, or a lease that expired before the task started) the state stays.
     */
    public static TaskRow issue(Connection c, TaskRow task, Instant leaseExpiresAt, Integer partition)
            throws SQLException {
        if (task.state() != TaskState.PENDING && task.state() != TaskState.RELEASED) {
            throw new IllegalStateException("task " + task.id() + " cannot be issued from " + task.state());
        }
        Map<String, Object> set = new LinkedHashMap<>();
        set.put("attempt", task.attempt() + 1);
        set.put("lease_expires_at", Timestamp.from(leaseExpiresAt));
        set.put("next_attempt_at", null);
        set.put("worker_id", null);
        set.put("items_done", 0);
        set.put("kafka_partition", partition);
        return write(c, task, TaskState.RELEASED, set);
    }

    /**
     * Schedules a re-issue at {@code at} (a retry after back-off, or at once after a lost lease). A running task
     * goes back to RELEASED; the attempt is bumped when it is issued.
     */
    public static TaskRow requeue(Connection c, TaskRow task, Instant at, String reason) throws SQLException {
        Map<String, Object> set = new LinkedHashMap<>();
        set.put("next_attempt_at", Timestamp.from(at));
        set.put("lease_expires_at", null);
        set.put("error", reason);
        if (task.state() == TaskState.RELEASED) {
            return write(c, task, TaskState.RELEASED, set);
        }
        return move(c, task, TaskState.RELEASED, set);
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

    /** Counts of the job's tasks by state. */
    public static Map<TaskState, Integer> countByState(Connection c, UUID job) throws SQLException {
        Map<TaskState, Integer> counts = new LinkedHashMap<>();
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
}
