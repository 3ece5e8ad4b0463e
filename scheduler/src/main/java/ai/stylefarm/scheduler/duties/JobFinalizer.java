package ai.stylefarm.scheduler.duties;

import ai.stylefarm.scheduler.state.JobRow;
import ai.stylefarm.scheduler.state.Jobs;
import ai.stylefarm.scheduler.state.Tasks;
import ai.stylefarm.scheduler.state.Transactions;
import ai.stylefarm.scheduler.storage.ObjectStore;
import ai.stylefarm.schemas.JobState;
import ai.stylefarm.schemas.Messages;
import ai.stylefarm.schemas.TaskState;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Ends a job once every task has ended: FAILED with the first task's reason if any task failed, else the
 * manifest is written and the job SUCCEEDED. Runs when a task ends, and as a periodic sweep that finishes
 * whatever a crash interrupted; writing the manifest again yields the same bytes, so repeating is harmless.
 */
public final class JobFinalizer implements Runnable {
    private static final Logger LOG = Logger.getLogger(JobFinalizer.class);
    private static final ObjectMapper JSON = Messages.mapper();

    private final DataSource db;
    private final ManifestAssembler assembler;

    public JobFinalizer(DataSource db, ObjectStore store) {
        this.db = db;
        this.assembler = new ManifestAssembler(db, store);
    }

    /** The sweep: jobs still live although none of their tasks is. */
    @Override
    public void run() {
        List<UUID> done = Transactions.ids(db, "SELECT j.id FROM jobs j WHERE j.state IN ('PLANNED', 'RUNNING')"
                + " AND j.tasks_total > 0 AND j.tasks_planned = j.tasks_total AND NOT EXISTS (SELECT 1 FROM tasks t"
                + " WHERE t.job_id = j.id AND t.state IN ('PENDING', 'RELEASED', 'RUNNING')) LIMIT 20");
        done.forEach(this::finalizeIfDone);
    }

    public void finalizeIfDone(UUID jobId) {
        Optional<String> failure = Transactions.inTransaction(db, c -> {
            Optional<JobRow> job = Jobs.lock(c, jobId);
            if (job.isEmpty() || job.get().state().isTerminal() || !job.get().fullyPlanned() || !allEnded(c, jobId)) {
                return Optional.<String>empty();
            }
            String firstError = firstTaskError(c, jobId);
            if (firstError == null) {
                return Optional.<String>empty();
            }
            JobRow row = job.get();
            String error = row.tasksFailed() + " of " + row.tasksTotal() + " tasks failed; first: " + firstError;
            Jobs.move(c, row, JobState.FAILED, Jobs.set("error", error));
            Jobs.event(c, jobId, null, "FAILED", "scheduler", null);
            return Optional.of(error);
        });
        if (failure.isPresent()) {
            LOG.warnf("Job %s failed: %s", jobId, failure.get());
            return;
        }
        succeedIfDone(jobId);
    }

    private void succeedIfDone(UUID jobId) {
        JobRow job = Transactions.inTransaction(db, c -> {
            Optional<JobRow> row = Jobs.lock(c, jobId);
            return row.isPresent() && !row.get().state().isTerminal() && row.get().fullyPlanned() && allEnded(c, jobId)
                    ? row.get() : null;
        });
        if (job == null) {
            return;
        }
        ManifestAssembler.Result manifest;
        try {
            manifest = assembler.assemble(job);
        } catch (ManifestAssembler.IncompleteManifestException e) {
            Transactions.inTransaction(db, c -> {
                Optional<JobRow> row = Jobs.lock(c, jobId);
                if (row.isPresent() && !row.get().state().isTerminal()) {
                    Jobs.move(c, row.get(), JobState.FAILED, Jobs.set("error", e.getMessage()));
                }
                return null;
            });
            LOG.errorf("Job %s failed: %s", jobId, e.getMessage());
            return;
        } catch (Exception e) {
            // Storage or the database: the periodic sweep tries again.
            throw new IllegalStateException("could not write the manifest of job " + jobId + ": " + e.getMessage(), e);
        }
        Transactions.inTransaction(db, c -> {
            Optional<JobRow> row = Jobs.lock(c, jobId);
            if (row.isEmpty() || row.get().state().isTerminal()) {
                return null;
            }
            try (PreparedStatement s = c.prepareStatement("INSERT INTO artifacts (job_id, key, kind, bytes, sha256)"
                    + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET bytes = EXCLUDED.bytes,"
                    + " sha256 = EXCLUDED.sha256")) {
                List<ManifestAssembler.Written> all = new java.util.ArrayList<>(manifest.extras());
                all.add(0, manifest.manifest());
                for (ManifestAssembler.Written written : all) {
                    s.setObject(1, jobId);
                    s.setString(2, written.key());
                    s.setString(3, written.kind());
                    s.setLong(4, written.bytes());
                    s.setString(5, written.sha256());
                    s.addBatch();
                }
                s.executeBatch();
            }
            JobRow current = row.get();
            if (current.state() == JobState.PLANNED) {
                current = Jobs.move(c, current, JobState.RUNNING);
            }
            Jobs.move(c, current, JobState.SUCCEEDED);
            Jobs.event(c, jobId, null, "SUCCEEDED", "scheduler", "{\"manifest_lines\":" + manifest.manifest().lines() + "}");
            return null;
        });
        LOG.infof("Job %s succeeded: %d images, manifest %s", jobId, manifest.manifest().lines(),
                manifest.manifest().key());
    }


    private static boolean allEnded(Connection c, UUID jobId) throws java.sql.SQLException {
        Map<TaskState, Integer> counts = Tasks.countByState(c, jobId);
        return counts.keySet().stream().allMatch(TaskState::isTerminal) && !counts.isEmpty();
    }

    private static String firstTaskError(Connection c, UUID jobId) throws java.sql.SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT error FROM tasks WHERE job_id = ? AND state = 'FAILED'"
                + " ORDER BY finished_at, idx LIMIT 1")) {
            s.setObject(1, jobId);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? r.getString(1) : null;
            }
        }
    }

}
