package ai.stylefarm.domain.jobs;

import ai.stylefarm.domain.Refused;
import ai.stylefarm.domain.store.JobEvent;
import ai.stylefarm.domain.store.JobRow;
import ai.stylefarm.domain.store.Jobs;
import ai.stylefarm.domain.store.TaskRow;
import ai.stylefarm.domain.store.Tasks;
import ai.stylefarm.domain.store.Transactions;
import ai.stylefarm.schemas.JobState;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * What operators do to a running farm's jobs, each an allow-listed transition written by compare-and-set under the
 * job's row lock (the scheduler's writers take the same lock, so neither overwrites the other): pause and resume,
 * a new priority, and requeueing a failed job's failed tasks in place. A refusal names the job's state.
 */
public class JobControls {
    private final DataSource db;

    public JobControls(DataSource db) {
        this.db = db;
    }

    /** No further task of the job is released; tasks already out finish. */
    public void pause(UUID id, String actor) {
        Transactions.inTransaction(db, c -> {
            JobRow job = live(c, id, "paused");
            if (job.state() == JobState.PAUSED) {
                return null;
            }
            require(job, JobState.PAUSED, "paused: only a planned or running job can be");
            Jobs.move(c, job, JobState.PAUSED);
            Jobs.event(c, id, null, JobEvent.PAUSED, actor, "{}");
            return null;
        });
    }

    /** Its due tasks are released again. */
    public void resume(UUID id, String actor) {
        Transactions.inTransaction(db, c -> {
            JobRow job = live(c, id, "resumed");
            if (job.state() != JobState.PAUSED) {
                throw conflict(job, "resumed: only a paused job can be");
            }
            Jobs.move(c, job, JobState.RUNNING);
            Jobs.event(c, id, null, JobEvent.RESUMED, actor, "{}");
            return null;
        });
    }

    /** The job's next releases go by {@code priority}; tasks already out keep their place. */
    public void setPriority(UUID id, int priority, String actor) {
        Transactions.inTransaction(db, c -> {
            JobRow job = live(c, id, "given a new priority");
            if (job.priority() != priority) {
                Jobs.setPriority(c, job, priority);
                Jobs.event(c, id, null, JobEvent.PRIORITY_CHANGED, actor, "{\"from\":" + job.priority() + ",\"to\":"
                        + priority + "}");
            }
            return null;
        });
    }

    /**
     * Reopens a failed job: its failed tasks wait to be issued again, each with a fresh set of attempts, and the job
     * runs again; what succeeded stays as it is.
     *
     * @return the number of tasks requeued
     */
    public int requeueFailed(UUID id, String actor) {
        return Transactions.inTransaction(db, c -> {
            JobRow job = Jobs.lock(c, id).filter(j -> !j.deleteRequested())
                    .orElseThrow(() -> Refused.notFound("id", "job " + id));
            if (job.state() != JobState.FAILED) {
                throw conflict(job, "requeued: only a failed job's failed tasks can be");
            }
            if (job.outputsDeleted()) {
                throw Refused.conflict("id", "job " + id + "'s outputs were deleted after its retention period;"
                        + " retry it as a new job instead");
            }
            List<TaskRow> failed = Tasks.lockFailed(c, id);
            if (failed.isEmpty()) {
                throw Refused.conflict("id", "job " + id + " has no failed tasks to requeue (it failed as a whole: "
                        + job.error() + "); retry it as a new job instead");
            }
            for (TaskRow task : failed) {
                Tasks.requeueFailed(c, task);
            }
            Jobs.uncountFailedTasks(c, id, failed.size());
            Jobs.move(c, Jobs.lock(c, id).orElseThrow(), JobState.RUNNING);
            Jobs.event(c, id, null, JobEvent.REQUEUED, actor, "{\"tasks\":" + failed.size() + "}");
            return failed.size();
        });
    }

    /** The job, locked, when it is visible and live; a cancel request means it is on its way out. */
    private static JobRow live(java.sql.Connection c, UUID id, String what) throws java.sql.SQLException {
        JobRow job = Jobs.lock(c, id).filter(j -> !j.deleteRequested())
                .orElseThrow(() -> Refused.notFound("id", "job " + id));
        if (job.state().isTerminal()) {
            throw conflict(job, what + ": it has ended");
        }
        if (job.cancelRequestedAt() != null) {
            throw conflict(job, what + ": its cancel was requested");
        }
        return job;
    }

    private static void require(JobRow job, JobState to, String why) {
        if (!job.state().canTransitionTo(to)) {
            throw conflict(job, why);
        }
    }

    private static Refused conflict(JobRow job, String why) {
        return Refused.conflict("id", "job " + job.id() + " is " + job.state() + " and cannot be " + why);
    }
}
