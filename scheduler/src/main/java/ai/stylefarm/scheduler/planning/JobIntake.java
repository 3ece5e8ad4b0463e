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
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
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
    private final int window;

    /** @param window tasks planned at once; the rest follow as these are released ({@code PlanAhead}) */
    public JobIntake(DataSource db, JobPlanner planner, int window) {
        this.db = db;
        this.planner = planner;
        this.window = window;
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
            int total;
            try {
                if (modelProblem != null) {
                    throw new IllegalArgumentException(modelProblem);
                }
                JsonNode spec = Messages.mapper().readTree(job.spec());
                total = planner.taskCount(message.kind(), spec);
                plan = planner.plan(job.id(), message.kind(), spec, 0, window);
            } catch (IllegalArgumentException e) {
                Jobs.move(c, job, JobState.FAILED, Jobs.set("error", "could not plan the job: " + e.getMessage()));
                Jobs.event(c, job.id(), null, "FAILED", "scheduler", null);
                LOG.warnf("Job %s failed in planning: %s", job.id(), e.getMessage());
                return false;
            }
            Tasks.insertPlanned(c, job.id(), plan);
            Map<String, Object> counts = Jobs.set("tasks_total", total);
            counts.put("tasks_planned", plan.size());
            Jobs.move(c, job, JobState.PLANNED, counts);
            Jobs.event(c, job.id(), null, "PLANNED", "scheduler", "{\"tasks\":" + total + "}");
            LOG.infof("Job %s planned: %d tasks (%d created now, the rest as it runs)", job.id(), total, plan.size());
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
