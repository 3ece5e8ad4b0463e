package ai.stylefarm.scheduler.planning;

import ai.stylefarm.domain.store.Artifacts;
import ai.stylefarm.domain.store.JobEvent;
import ai.stylefarm.domain.store.JobRow;
import ai.stylefarm.domain.store.Jobs;
import ai.stylefarm.domain.store.TaskRow;
import ai.stylefarm.domain.store.Tasks;
import ai.stylefarm.domain.store.Transactions;
import ai.stylefarm.domain.store.Workers;
import ai.stylefarm.scheduler.config.SchedulerConfig;
import ai.stylefarm.scheduler.metrics.SchedulerMetrics;
import ai.stylefarm.schemas.JobState;
import ai.stylefarm.schemas.TaskEvent;
import ai.stylefarm.schemas.TaskKind;
import ai.stylefarm.schemas.TaskState;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
            Workers.recordSighting(c, event);
            if (event.attempt() != task.attempt() || !task.state().isInFlight()) {
                LOG.debugf("Stale %s for task %s attempt %d (task is %s, attempt %d)", event.type(), task.id(),
                        event.attempt(), task.state(), task.attempt());
                return Effect.STALE;
            }
            Instant now = clock.instant();
            Instant lease = now.plus(settings.runningLease());
            if (task.state() == TaskState.RUNNING && !event.workerId().equals(task.workerId())) {
                Jobs.event(c, task.jobId(), task.id(), JobEvent.TASK_REASSIGNED, event.workerId(), json(Map.of(
                        "attempt", task.attempt(), "from", String.valueOf(task.workerId()))));
                task = Tasks.reassign(c, task, event.workerId());
            }
            if (task.state() == TaskState.RELEASED) {
                task = Tasks.move(c, task, TaskState.RUNNING, Map.of("worker_id", event.workerId(),
                        "lease_expires_at", Timestamp.from(lease)));
                Jobs.event(c, task.jobId(), task.id(), JobEvent.TASK_STARTED, event.workerId(),
                        "{\"attempt\":" + task.attempt() + "}");
                if (job.get().state() == JobState.PLANNED) {
                    Jobs.move(c, job.get(), JobState.RUNNING);
                }
            }
            return switch (event.type()) {
                case STARTED, HEARTBEAT, PROGRESS -> {
                    Tasks.extendLease(c, task, lease, event.done() == null ? 0 : event.done());
                    yield Effect.PROGRESS;
                }
                case SUCCEEDED -> succeeded(c, task, event);
                case FAILED -> failed(c, task, event, now);
            };
        });
    }

    private Effect succeeded(Connection c, TaskRow task, TaskEvent event) throws SQLException, java.io.IOException {
        List<Artifacts.NewArtifact> outputs = new ArrayList<>();
        for (TaskEvent.Output o : event.outputs() == null ? List.<TaskEvent.Output>of() : event.outputs()) {
            outputs.add(new Artifacts.NewArtifact(task.id(), o.key(), Artifacts.kindOf(o.key(), o.seed()), o.seed(),
                    o.bytes(), o.sha256()));
        }
        Artifacts.record(c, task.jobId(), outputs);
        Map<String, Object> set = Jobs.set("error", null);
        set.put("items_done", TaskKind.of(task.kind()).readSpec(task.spec()).itemCount());
        Tasks.move(c, task, TaskState.SUCCEEDED, set);
        Jobs.countFinishedTask(c, task.jobId(), false);
        return Effect.TASK_ENDED;
    }

    private Effect failed(Connection c, TaskRow task, TaskEvent event, Instant now) throws SQLException {
        TaskEvent.Failure error = event.error();
        String reason = error == null ? "the worker reported a failure without a reason" : error.reason();
        boolean retryable = error != null && error.retryable();
        if (retryable && task.attemptsUsed() < settings.maxAttempts()) {
            Instant at = now.plus(backoff(task.attemptsUsed()));
            Tasks.retryAt(c, task, at, reason);
            Jobs.event(c, task.jobId(), task.id(), JobEvent.TASK_RETRY, event.workerId(), json(Map.of(
                    "attempt", task.attempt(), "reason", reason, "retry_at", at.toString())));
            LOG.infof("Task %s attempt %d failed (%s); retry at %s", task.id(), task.attempt(), reason, at);
            metrics.retryScheduled(task.kind());
            return Effect.RETRY_SCHEDULED;
        }
        String why = retryable ? "failed on all " + task.attemptsUsed() + " attempts; last: " + reason : reason;
        Tasks.move(c, task, TaskState.FAILED, Map.of("error", why));
        Jobs.countFinishedTask(c, task.jobId(), true);
        Jobs.event(c, task.jobId(), task.id(), JobEvent.TASK_FAILED, event.workerId(), json(Map.of("reason", why)));
        LOG.warnf("Task %s failed: %s", task.id(), why);
        return Effect.TASK_ENDED;
    }

    /** {@code base · 2^(attempt-1)}, capped. */
    Duration backoff(int attempt) {
        Duration d = settings.retryBackoff().multipliedBy(1L << Math.min(20, Math.max(0, attempt - 1)));
        return d.compareTo(settings.retryBackoffMax()) > 0 ? settings.retryBackoffMax() : d;
    }

    private static String json(Map<String, Object> fields) {
        try {
            return ai.stylefarm.schemas.Messages.mapper().writeValueAsString(new LinkedHashMap<>(fields));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

}
