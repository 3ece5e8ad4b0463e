package ai.stylefarm.scheduler.planning;

import ai.stylefarm.scheduler.state.JobRow;
import ai.stylefarm.scheduler.state.Jobs;
import ai.stylefarm.scheduler.state.Tasks;
import ai.stylefarm.scheduler.state.Transactions;
import ai.stylefarm.schemas.JobMessage;
import ai.stylefarm.schemas.JobState;
import ai.stylefarm.schemas.Messages;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Plans an accepted job: QUEUED → PLANNED with its tasks inserted, in one transaction. A redelivered message finds
 * the job past QUEUED and changes nothing; a job whose cancel was requested before planning ends CANCELLED; a job
 * whose model is gone or whose spec cannot be planned ends FAILED with the reason.
 */
public final class JobIntake {
    private static final Logger LOG = Logger.getLogger(JobIntake.class);

    private final DataSource db;
    private final JobPlanner planner;

    public JobIntake(DataSource db, JobPlanner planner) {
        this.db = db;
        this.planner = planner;
    }

    /** @return true if the job was planned now (the releaser has work) */
    public boolean plan(JobMessage message) {
        return Transactions.inTransaction(db, c -> {
            Optional<JobRow> found = Jobs.lock(c, message.jobId());
            if (found.isEmpty()) {
                throw new IllegalArgumentException("job " + message.jobId() + " is not in the database");
            }
            JobRow job = found.get();
            if (job.state() != JobState.QUEUED) {
                LOG.debugf("Job %s is already %s; nothing to plan", job.id(), job.state());
                return false;
            }
            if (job.cancelRequestedAt() != null) {
                Jobs.move(c, job, JobState.CANCELLED);
                Jobs.event(c, job.id(), null, "CANCELLED", "scheduler", "{\"before\":\"planning\"}");
                return false;
            }
            String modelProblem = modelProblem(c, job.modelId());
            List<JobPlanner.PlannedTask> plan;
            try {
                if (modelProblem != null) {
                    throw new IllegalArgumentException(modelProblem);
                }
                plan = planner.plan(job.id(), message.kind(), Messages.mapper().readTree(job.spec()));
            } catch (IllegalArgumentException e) {
                Jobs.move(c, job, JobState.FAILED, Jobs.set("error", "could not plan the job: " + e.getMessage()));
                Jobs.event(c, job.id(), null, "FAILED", "scheduler", null);
                LOG.warnf("Job %s failed in planning: %s", job.id(), e.getMessage());
                return false;
            }
            Tasks.insertPlanned(c, job.id(), plan.stream().map(t -> t.kind().value()).toList(),
                    plan.stream().map(JobPlanner.PlannedTask::specJson).toList());
            Jobs.move(c, job, JobState.PLANNED, Jobs.set("tasks_total", plan.size()));
            Jobs.event(c, job.id(), null, "PLANNED", "scheduler", "{\"tasks\":" + plan.size() + "}");
            LOG.infof("Job %s planned: %d tasks", job.id(), plan.size());
            return true;
        });
    }

    private static String modelProblem(java.sql.Connection c, String modelId) throws java.sql.SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT state FROM models WHERE id = ?")) {
            s.setString(1, modelId);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return "model '" + modelId + "' no longer exists";
                }
                return "READY".equals(r.getString(1)) ? null : "model '" + modelId + "' is " + r.getString(1);
            }
        }
    }
}
