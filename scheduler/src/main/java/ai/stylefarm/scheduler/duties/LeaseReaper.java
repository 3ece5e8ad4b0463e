package ai.stylefarm.scheduler.duties;

import ai.stylefarm.domain.store.JobEvent;
import ai.stylefarm.domain.store.JobRow;
import ai.stylefarm.domain.store.Jobs;
import ai.stylefarm.domain.store.TaskRow;
import ai.stylefarm.domain.store.Tasks;
import ai.stylefarm.domain.store.Transactions;
import ai.stylefarm.scheduler.config.SchedulerConfig;
import ai.stylefarm.scheduler.metrics.SchedulerMetrics;
import ai.stylefarm.schemas.TaskState;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Re-issues tasks whose lease ran out: a running task whose worker stopped beating, or a released one nobody
 * started. Each goes back to be issued again with attempt + 1 (so the lost worker's late events are stale), until
 * the attempts are spent; then it fails with the reason.
 */
public final class LeaseReaper implements Runnable {
    private static final Logger LOG = Logger.getLogger(LeaseReaper.class);

    private final DataSource db;
    private final SchedulerConfig.Scheduler settings;
    private final Clock clock;
    private final Consumer<UUID> taskEnded;
    private final SchedulerMetrics metrics;

    /** @param taskEnded told the job of each task that failed for good, so the job can be finalized */
    public LeaseReaper(DataSource db, SchedulerConfig.Scheduler settings, Clock clock, Consumer<UUID> taskEnded,
                       SchedulerMetrics metrics) {
        this.metrics = metrics;
        this.db = db;
        this.settings = settings;
        this.clock = clock;
        this.taskEnded = taskEnded;
    }

    @Override
    public void run() {
        List<TaskRow> expired = Transactions.inTransaction(db, c -> Tasks.expiredLeases(c, 100));
        for (TaskRow candidate : expired) {
            reap(candidate);
        }
    }

    private void reap(TaskRow candidate) {
        UUID endedJob = Transactions.inTransaction(db, c -> {
            Optional<JobRow> job = Jobs.lock(c, candidate.jobId());
            Optional<TaskRow> locked = Tasks.lock(c, candidate.id());
            if (job.isEmpty() || locked.isEmpty()) {
                return null;
            }
            TaskRow task = locked.get();
            // Re-checked under the lock: a heartbeat may have renewed it since the scan.
            if (task.version() != candidate.version() || !task.state().isInFlight()) {
                return null;
            }
            long silentSeconds = Duration.between(task.leaseExpiresAt(), clock.instant()).toSeconds();
            metrics.leaseExpired(task.kind());
            String who = task.workerId() != null ? "worker " + task.workerId() : "no worker";
            String reason = task.state() == TaskState.RUNNING
                    ? "lease expired: no heartbeat from " + who + " on attempt " + task.attempt()
                    : "lease expired: attempt " + task.attempt() + " was never started by a worker";
            if (task.attemptsUsed() < settings.maxAttempts()) {
                Tasks.retryAt(c, task, clock.instant(), reason);
                Jobs.event(c, task.jobId(), task.id(), JobEvent.LEASE_EXPIRED, "scheduler",
                        "{\"attempt\":" + task.attempt() + ",\"overdue_seconds\":" + silentSeconds + "}");
                LOG.warnf("Task %s: %s; re-issuing", task.id(), reason);
                return null;
            }
            Tasks.move(c, task, TaskState.FAILED, Jobs.set("error", reason + "; no attempts left ("
                    + settings.maxAttempts() + ")"));
            Jobs.countFinishedTask(c, task.jobId(), true);
            Jobs.event(c, task.jobId(), task.id(), JobEvent.TASK_FAILED, "scheduler", null);
            LOG.warnf("Task %s failed: %s; no attempts left", task.id(), reason);
            return task.jobId();
        });
        if (endedJob != null) {
            taskEnded.accept(endedJob);
        }
    }
}
