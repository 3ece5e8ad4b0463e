package ai.stylefarm.scheduler.planning;

import ai.stylefarm.domain.models.ModelRepository;
import ai.stylefarm.domain.storage.Bucket;
import ai.stylefarm.domain.store.Artifacts;
import ai.stylefarm.domain.store.JobEvent;
import ai.stylefarm.domain.store.JobRow;
import ai.stylefarm.domain.store.Jobs;
import ai.stylefarm.domain.store.Tasks;
import ai.stylefarm.domain.store.Transactions;
import ai.stylefarm.modelkit.io.Hashing;
import ai.stylefarm.modelkit.io.Npy;
import ai.stylefarm.modelkit.stylegan.Tensor;
import ai.stylefarm.schemas.InterpolateJobSpec;
import ai.stylefarm.schemas.JobKind;
import ai.stylefarm.schemas.JobMessage;
import ai.stylefarm.schemas.JobState;
import ai.stylefarm.schemas.Keyframe;
import ai.stylefarm.schemas.Messages;
import ai.stylefarm.schemas.ObjectKeys;
import ai.stylefarm.schemas.PlannedTask;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
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
    private final Bucket store;
    private final JobPlanner planner;
    private final int window;

    /** @param window tasks planned at once; the rest follow as these are released ({@code PlanAhead}) */
    public JobIntake(DataSource db, Bucket store, JobPlanner planner, int window) {
        this.db = db;
        this.store = store;
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
                Jobs.event(c, job.id(), null, JobEvent.CANCELLED, "scheduler", "{\"before\":\"planning\"}");
                return false;
            }
            String modelProblem = ModelRepository.unusableReason(c, job.modelId());
            List<PlannedTask> plan;
            int total;
            try {
                if (modelProblem != null) {
                    throw new IllegalArgumentException(modelProblem);
                }
                JobKind kind = JobKind.of(job.kind());
                JsonNode spec = Messages.mapper().readTree(job.spec());
                total = planner.taskCount(kind, spec);
                plan = planner.plan(job.id(), kind, spec, 0, window);
                if (kind == JobKind.INTERPOLATE) {
                    storeInlineWs(c, job.id(), InterpolateJobSpec.parse(spec));
                }
            } catch (IllegalArgumentException e) {
                Jobs.move(c, job, JobState.FAILED, Jobs.set("error", "could not plan the job: " + e.getMessage()));
                Jobs.event(c, job.id(), null, JobEvent.FAILED, "scheduler", null);
                LOG.warnf("Job %s failed in planning: %s", job.id(), e.getMessage());
                return false;
            }
            Tasks.insertPlanned(c, job.id(), plan);
            Map<String, Object> counts = Jobs.set("tasks_total", total);
            counts.put("tasks_planned", plan.size());
            Jobs.move(c, job, JobState.PLANNED, counts);
            Jobs.event(c, job.id(), null, JobEvent.PLANNED, "scheduler", "{\"tasks\":" + total + "}");
            LOG.infof("Job %s planned: %d tasks (%d created now, the rest as it runs)", job.id(), total, plan.size());
            return true;
        });
    }

    /**
     * Workers read only Kafka and the bucket, and a task message must stay small, so inline w keyframes go to the
     * bucket as float32 {@code .npy} before any task that reads them exists, each recorded as an artifact (kind
     * {@code keyframe}) like every object under the job. Rewriting them yields the same bytes.
     */
    private void storeInlineWs(java.sql.Connection c, UUID jobId, InterpolateJobSpec spec) throws java.sql.SQLException {
        List<Keyframe> keyframes = spec.keyframes();
        for (int i = 0; i < keyframes.size(); i++) {
            float[][] w = keyframes.get(i).w();
            if (w == null) {
                continue;
            }
            float[] flat = new float[w.length * w[0].length];
            for (int r = 0; r < w.length; r++) {
                System.arraycopy(w[r], 0, flat, r * w[0].length, w[0].length);
            }
            ByteArrayOutputStream npy = new ByteArrayOutputStream();
            try {
                Npy.writeFloat32(npy, new Tensor(new int[] {w.length, w[0].length}, flat));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            byte[] bytes = npy.toByteArray();
            String key = ObjectKeys.keyframe(jobId, i);
            store.put(key, bytes, "application/octet-stream");
            Artifacts.record(c, jobId, List.of(new Artifacts.NewArtifact(null, key, "keyframe", null, bytes.length,
                    Hashing.sha256(bytes))));
        }
    }
}
