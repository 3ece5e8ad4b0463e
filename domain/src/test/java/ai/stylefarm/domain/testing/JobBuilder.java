package ai.stylefarm.domain.testing;

import ai.stylefarm.schemas.JobKind;
import ai.stylefarm.schemas.JobState;
import ai.stylefarm.schemas.TaskState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * A job row and its task rows in the states a test needs, with counters that agree with them. Tasks that ran have
 * attempt 1 and worker {@code w}; failed ones the error {@code boom}; in-flight ones a lease ten minutes out.
 */
public final class JobBuilder {
    private final DataSource db;
    private String tenant = "t";
    private String model = "m";
    private JobKind kind = JobKind.GENERATE;
    private String spec = "{\"seeds\": \"0-7\"}";
    private JobState state = JobState.RUNNING;
    private int priority = 5;
    private final List<TaskState> tasks = new ArrayList<>();
    private String taskSpec = "{}";

    public JobBuilder(DataSource db) {
        this.db = db;
    }

    public JobBuilder tenant(String tenant) {
        this.tenant = tenant;
        return this;
    }

    public JobBuilder model(String model) {
        this.model = model;
        return this;
    }

    public JobBuilder kind(JobKind kind) {
        this.kind = kind;
        return this;
    }

    public JobBuilder spec(String json) {
        this.spec = json;
        return this;
    }

    public JobBuilder state(JobState state) {
        this.state = state;
        return this;
    }

    public JobBuilder priority(int priority) {
        this.priority = priority;
        return this;
    }

    /** The spec every task gets ({@code {}} unless set). */
    public JobBuilder taskSpec(String json) {
        this.taskSpec = json;
        return this;
    }

    /** One task per state, at indexes 0, 1, ... */
    public JobBuilder tasks(TaskState... states) {
        tasks.addAll(Arrays.asList(states));
        return this;
    }

    public UUID insert() {
        UUID id = UUID.randomUUID();
        long done = tasks.stream().filter(t -> t == TaskState.SUCCEEDED).count();
        long failed = tasks.stream().filter(t -> t == TaskState.FAILED).count();
        try (Connection c = db.getConnection()) {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO jobs (id, tenant_id, kind, model_id, spec, state,"
                    + " priority, tasks_total, tasks_planned, tasks_done, tasks_failed, items_total, started_at,"
                    + " finished_at) VALUES (?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?, ?, CASE WHEN ? THEN now() END,"
                    + " CASE WHEN ? THEN now() END)")) {
                s.setObject(1, id);
                s.setString(2, tenant);
                s.setString(3, kind.value());
                s.setString(4, model);
                s.setString(5, spec);
                s.setString(6, state.name());
                s.setInt(7, priority);
                s.setInt(8, tasks.size());
                s.setInt(9, tasks.size());
                s.setLong(10, done);
                s.setLong(11, failed);
                s.setLong(12, tasks.size());
                s.setBoolean(13, state != JobState.QUEUED && state != JobState.PLANNED);
                s.setBoolean(14, state.isTerminal());
                s.executeUpdate();
            }
            try (PreparedStatement s = c.prepareStatement("INSERT INTO tasks (id, job_id, idx, kind, spec, state, attempt,"
                    + " worker_id, lease_expires_at, next_attempt_at, error, finished_at) VALUES (?, ?, ?, ?, ?::jsonb,"
                    + " ?, ?, ?, CASE WHEN ? THEN now() + interval '10 minutes' END, CASE WHEN ? THEN now() END, ?,"
                    + " CASE WHEN ? THEN now() END)")) {
                for (int i = 0; i < tasks.size(); i++) {
                    TaskState t = tasks.get(i);
                    boolean ran = t != TaskState.PENDING;
                    s.setObject(1, UUID.randomUUID());
                    s.setObject(2, id);
                    s.setInt(3, i);
                    s.setString(4, kind.value().equals("calibrate") ? "project" : kind.value());
                    s.setString(5, taskSpec);
                    s.setString(6, t.name());
                    s.setInt(7, ran ? 1 : 0);
                    s.setString(8, t == TaskState.RUNNING || t.isTerminal() ? "w" : null);
                    s.setBoolean(9, t.isInFlight());
                    s.setBoolean(10, t.isQueued());
                    s.setString(11, t == TaskState.FAILED ? "boom" : null);
                    s.setBoolean(12, t.isTerminal());
                    s.addBatch();
                }
                s.executeBatch();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not insert a test job: " + e.getMessage(), e);
        }
        return id;
    }
}
