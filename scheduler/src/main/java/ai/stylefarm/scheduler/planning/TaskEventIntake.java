package ai.stylefarm.scheduler.planning;

import ai.stylefarm.scheduler.config.SchedulerConfig;
import ai.stylefarm.scheduler.metrics.SchedulerMetrics;
import ai.stylefarm.scheduler.state.JobRow;
import ai.stylefarm.scheduler.state.Jobs;
import ai.stylefarm.scheduler.state.TaskRow;
import ai.stylefarm.scheduler.state.Tasks;
import ai.stylefarm.scheduler.state.Transactions;
import ai.stylefarm.schemas.GenerateTaskSpec;
import ai.stylefarm.schemas.InterpolateTaskSpec;
import ai.stylefarm.schemas.JobState;
import ai.stylefarm.schemas.Messages;
import ai.stylefarm.schemas.ObjectKeys;
import ai.stylefarm.schemas.TaskEvent;
import ai.stylefarm.schemas.TaskKind;
import ai.stylefarm.schemas.TaskState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Applies a worker's task event to task and job state. Events of another attempt than the task's current one,
 * and events for tasks already ended (cancelled, say), are stale and change nothing. Outputs are recorded as
 * artifacts by their deterministic key, so a redelivered SUCCEEDED adds nothing twice.
 */
public final class TaskEventIntake {
    private static final Logger LOG = Logger.getLogger(TaskEventIntake.class);

    /** What applying an event did, for the caller's follow-up. */
    public enum Effect { NONE, STALE, PROGRESS, TASK_ENDED, RETRY_SCHEDULED }

    private final DataSource db;
    private final SchedulerConfig.Scheduler settings;
    private final Clock clock;
    private final SchedulerMetrics metrics;

    public TaskEventIntake(DataSource db, SchedulerConfig.Scheduler settings, Clock clock, SchedulerMetrics metrics) {
        this.db = db;
        this.settings = settings;
        this.clock = clock;
        this.metrics = metrics;
    }

    public Effect apply(TaskEvent event) {
        return Transactions.inTransaction(db, c -> {
            // Job before task, everywhere: the cancel sweeper takes them in this order too.
            Optional<JobRow> job = Jobs.lock(c, event.jobId());
            Optional<TaskRow> found = Tasks.lock(c, event.taskId());
            if (found.isEmpty() || job.isEmpty() || !found.get().jobId().equals(event.jobId())) {
                throw new IllegalArgumentException("task " + event.taskId() + " of job " + event.jobId()
                        + " is not in the database");
            }
            TaskRow task = found.get();
            recordWorker(c, event);
            if (event.attempt() != task.attempt() || task.state().isTerminal() || task.nextAttemptAt() != null) {
                LOG.debugf("Stale %s for task %s attempt %d (task is %s, attempt %d)", event.type(), task.id(),
                        event.attempt(), task.state(), task.attempt());
                return Effect.STALE;
            }
            Instant now = clock.instant();
            Instant lease = now.plus(settings.runningLease());
            if (task.state() == TaskState.RUNNING && !event.workerId().equals(task.workerId())) {
                Jobs.event(c, task.jobId(), task.id(), "TASK_REASSIGNED", event.workerId(), json(Map.of(
                        "attempt", task.attempt(), "from", String.valueOf(task.workerId()))));
                task = Tasks.reassign(c, task, event.workerId());
            }
            if (task.state() == TaskState.RELEASED) {
                task = Tasks.move(c, task, TaskState.RUNNING, Map.of("worker_id", event.workerId(),
                        "lease_expires_at", Timestamp.from(lease)));
                Jobs.event(c, task.jobId(), task.id(), "TASK_STARTED", event.workerId(),
                        "{\"attempt\":" + task.attempt() + "}");
                if (job.get().state() == JobState.PLANNED) {
                    Jobs.move(c, job.get(), JobState.RUNNING);
                }
            }
            return switch (event.type()) {
                case STARTED, HEARTBEAT, PROGRESS -> {
                    extendLease(c, task, lease, event.done());
                    yield Effect.PROGRESS;
                }
                case SUCCEEDED -> succeeded(c, task, event);
                case FAILED -> failed(c, task, event, now);
            };
        });
    }

    private Effect succeeded(Connection c, TaskRow task, TaskEvent event) throws SQLException, java.io.IOException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO artifacts (job_id, task_id, key, kind, seed, bytes,"
                + " sha256) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET task_id = EXCLUDED.task_id,"
                + " bytes = EXCLUDED.bytes, sha256 = EXCLUDED.sha256")) {
            for (TaskEvent.Output output : event.outputs() == null ? java.util.List.<TaskEvent.Output>of() : event.outputs()) {
                s.setObject(1, task.jobId());
                s.setObject(2, task.id());
                s.setString(3, output.key());
                s.setString(4, kind(output));
                s.setObject(5, output.seed());
                s.setLong(6, output.bytes());
                s.setString(7, output.sha256());
                s.addBatch();
            }
            s.executeBatch();
        }
        Map<String, Object> set = Jobs.set("error", null);
        set.put("items_done", switch (TaskKind.of(task.kind())) {
            case GENERATE -> Messages.mapper().readValue(task.spec(), GenerateTaskSpec.class).seeds().count();
            case INTERPOLATE -> Messages.mapper().readValue(task.spec(), InterpolateTaskSpec.class).frameCount();
            case PROJECT -> 1;
            default -> (int) event.outputs().stream().filter(o -> o.key().endsWith(".png")).count();
        });
        Tasks.move(c, task, TaskState.SUCCEEDED, set);
        Jobs.countFinishedTask(c, task.jobId(), false);
        return Effect.TASK_ENDED;
    }

    private Effect failed(Connection c, TaskRow task, TaskEvent event, Instant now) throws SQLException {
        TaskEvent.Failure error = event.error();
        String reason = error == null ? "the worker reported a failure without a reason" : error.reason();
        boolean retryable = error != null && error.retryable();
        if (retryable && task.attempt() < settings.maxAttempts()) {
            Instant at = now.plus(backoff(task.attempt()));
            Tasks.requeue(c, task, at, reason);
            Jobs.event(c, task.jobId(), task.id(), "TASK_RETRY", event.workerId(), json(Map.of(
                    "attempt", task.attempt(), "reason", reason, "retry_at", at.toString())));
            LOG.infof("Task %s attempt %d failed (%s); retry at %s", task.id(), task.attempt(), reason, at);
            metrics.retryScheduled(task.kind());
            return Effect.RETRY_SCHEDULED;
        }
        String why = retryable ? "failed on all " + task.attempt() + " attempts; last: " + reason : reason;
        Tasks.move(c, task, TaskState.FAILED, Map.of("error", why));
        Jobs.countFinishedTask(c, task.jobId(), true);
        Jobs.event(c, task.jobId(), task.id(), "TASK_FAILED", event.workerId(), json(Map.of("reason", why)));
        LOG.warnf("Task %s failed: %s", task.id(), why);
        return Effect.TASK_ENDED;
    }

    /** What an output is, from its deterministic key. */
    private static String kind(TaskEvent.Output output) {
        if (output.seed() != null) {
            return "image";
        }
        if (output.key().endsWith(".jsonl")) {
            return "manifest_part";
        }
        if (output.key().contains("/style_mix/")) {
            return "cell";
        }
        if (output.key().contains("/segments/")) {
            return "segment";
        }
        if (output.key().contains("/frames/")) {
            return "frame";
        }
        if (output.key().contains("/projections/")) {
            return projectionKind(output.key().substring(output.key().lastIndexOf('/') + 1));
        }
        return output.key().endsWith(".tar") ? "shard" : "output";
    }

    /** proj.png is the projection (a picture for thumbnails), target.png what it was matched to. */
    private static String projectionKind(String file) {
        return switch (file) {
            case ObjectKeys.PROJ_PNG -> "projection";
            case ObjectKeys.TARGET_PNG -> "target";
            case ObjectKeys.PROJECTED_W -> "projected_w";
            case ObjectKeys.PROJECTED_NOISE -> "projected_noise";
            case ObjectKeys.PROJ_MP4 -> "projection_video";
            case ObjectKeys.METRICS -> "metrics";
            default -> "output";
        };
    }

    /** {@code base · 2^(attempt-1)}, capped. */
    Duration backoff(int attempt) {
        Duration d = settings.retryBackoff().multipliedBy(1L << Math.min(20, Math.max(0, attempt - 1)));
        return d.compareTo(settings.retryBackoffMax()) > 0 ? settings.retryBackoffMax() : d;
    }

    private static void extendLease(Connection c, TaskRow task, Instant lease, Integer done) throws SQLException {
        // Not a state change: the lease is the worker's, renewed by each beat, and racing writers only push it later.
        try (PreparedStatement s = c.prepareStatement("UPDATE tasks SET lease_expires_at = greatest(lease_expires_at, ?),"
                + " items_done = greatest(items_done, ?), updated_at = now() WHERE id = ? AND state = 'RUNNING'"
                + " AND attempt = ?")) {
            s.setTimestamp(1, Timestamp.from(lease));
            s.setInt(2, done == null ? 0 : done);
            s.setObject(3, task.id());
            s.setInt(4, task.attempt());
            s.executeUpdate();
        }
    }

    /**
     * The worker's last sign of life and its current task. A worker starts its next task while the previous one
     * stores its last outputs, so the end of a task clears the current task only if it is still that one.
     */
    private static void recordWorker(Connection c, TaskEvent event) throws SQLException {
        boolean ends = event.type() == TaskEvent.Type.SUCCEEDED || event.type() == TaskEvent.Type.FAILED;
        TaskEvent.Device device = event.device();
        try (PreparedStatement s = c.prepareStatement("INSERT INTO workers (id, device_kind, device_name, last_heartbeat,"
                + " current_task_id) VALUES (?, ?, ?, now(), ?) ON CONFLICT (id) DO UPDATE SET last_heartbeat = now(),"
                + " device_kind = coalesce(EXCLUDED.device_kind, workers.device_kind),"
                + " device_name = coalesce(EXCLUDED.device_name, workers.device_name),"
                + " current_task_id = CASE WHEN ? THEN nullif(workers.current_task_id, ?)"
                + " ELSE EXCLUDED.current_task_id END")) {
            s.setString(1, event.workerId());
            s.setString(2, device == null ? null : device.kind().value());
            s.setString(3, device == null ? null : device.name());
            s.setObject(4, ends ? null : event.taskId());
            s.setBoolean(5, ends);
            s.setObject(6, event.taskId());
            s.executeUpdate();
        }
    }

    private static String json(Map<String, Object> fields) {
        try {
            return ai.stylefarm.schemas.Messages.mapper().writeValueAsString(new LinkedHashMap<>(fields));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

}
