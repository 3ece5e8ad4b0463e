package ai.stylefarm.scheduler.duties;

import ai.stylefarm.domain.storage.Bucket;
import ai.stylefarm.domain.store.Artifacts;
import ai.stylefarm.domain.store.JobEvent;
import ai.stylefarm.domain.store.JobRow;
import ai.stylefarm.domain.store.Jobs;
import ai.stylefarm.domain.store.Tasks;
import ai.stylefarm.domain.store.Transactions;
import ai.stylefarm.schemas.JobState;
import ai.stylefarm.schemas.TaskState;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Ends a job once every task has ended: FAILED with the first task's reason if any task failed, else the
 * manifest is written and the job SUCCEEDED. Runs when a task ends, and as a periodic sweep that finishes
 * whatever a crash interrupted; one writer at a time (see {@link #succeedIfDone}).
 */
public final class JobFinalizer implements Runnable {
    private static final Logger LOG = Logger.getLogger(JobFinalizer.class);

    private final DataSource db;
    private final ManifestAssembler assembler;

    public JobFinalizer(DataSource db, Bucket store) {
        this.db = db;
        this.assembler = new ManifestAssembler(db, store);
    }

    /** The sweep: jobs still live although none of their tasks is. */
    @Override
    public void run() {
        List<UUID> done = Transactions.inTransaction(db, c -> Jobs.withAllTasksEnded(c, 20));
        done.forEach(this::finalizeIfDone);
    }

    public void finalizeIfDone(UUID jobId) {
        Optional<String> failure = Transactions.inTransaction(db, c -> {
            Optional<JobRow> job = Jobs.lock(c, jobId);
            if (job.isEmpty() || job.get().state().isTerminal() || !job.get().fullyPlanned() || !allEnded(c, jobId)) {
                return Optional.<String>empty();
            }
            String firstError = Tasks.firstError(c, jobId);
            if (firstError == null) {
                return Optional.<String>empty();
            }
            JobRow row = job.get();
            String error = row.tasksFailed() + " of " + row.tasksTotal() + " tasks failed; first: " + firstError;
            Jobs.move(c, row, JobState.FAILED, Jobs.set("error", error));
            Jobs.event(c, jobId, null, JobEvent.FAILED, "scheduler", null);
            return Optional.of(error);
        });
        if (failure.isPresent()) {
            LOG.warnf("Job %s failed: %s", jobId, failure.get());
            return;
        }
        succeedIfDone(jobId);
    }

    /**
     * Assembles and commits a job's end with one writer at a time. The task-event consumer and the periodic sweep
     * (and, in a redundant control plane, another scheduler) all call this; the first to take the job's
     * transaction-scoped advisory lock writes, the others return at once. The lock is held across assembling and the
     * commit that records each written object, so an object and its artifact row come from the same writer; a
     * writer that dies releases it with its connection, and the sweep finishes the job.
     */
    private void succeedIfDone(UUID jobId) {
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try {
                if (!Jobs.claimFinalization(c, jobId)) {
                    c.rollback();
                    LOG.debugf("Job %s is being finalized by another writer", jobId);
                    return;
                }
                Optional<JobRow> row = Jobs.read(c, jobId);
                if (row.isEmpty() || row.get().state().isTerminal() || !row.get().fullyPlanned() || !allEnded(c, jobId)) {
                    c.rollback();
                    return;
                }
                ManifestAssembler.Result manifest;
                try {
                    manifest = assembler.assemble(row.get());
                } catch (ManifestAssembler.IncompleteManifestException e) {
                    fail(c, jobId, e.getMessage());
                    c.commit();
                    LOG.errorf("Job %s failed: %s", jobId, e.getMessage());
                    return;
                }
                if (succeed(c, jobId, manifest)) {
                    c.commit();
                    LOG.infof("Job %s succeeded: %d images, manifest %s", jobId, manifest.manifest().lines(),
                            manifest.manifest().key());
                } else {
                    c.rollback();
                }
            } catch (Exception e) {
                c.rollback();
                // Storage or the database: the periodic sweep tries again.
                throw new IllegalStateException("could not finalize job " + jobId + ": " + e.getMessage(), e);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not finalize job " + jobId + ": " + e.getMessage(), e);
        }
    }

    private static void fail(Connection c, UUID jobId, String error) throws SQLException {
        Optional<JobRow> row = Jobs.lock(c, jobId);
        if (row.isPresent() && !row.get().state().isTerminal()) {
            Jobs.move(c, row.get(), JobState.FAILED, Jobs.set("error", error));
            Jobs.event(c, jobId, null, JobEvent.FAILED, "scheduler", null);
        }
    }

    /** Records what the assembly wrote and ends the job; false if it ended meanwhile (a cancel). */
    private static boolean succeed(Connection c, UUID jobId, ManifestAssembler.Result manifest) throws SQLException {
        Optional<JobRow> row = Jobs.lock(c, jobId);
        if (row.isEmpty() || row.get().state().isTerminal()) {
            return false;
        }
        List<Artifacts.NewArtifact> written = new ArrayList<>();
        written.add(manifest.manifest().artifact());
        manifest.extras().forEach(w -> written.add(w.artifact()));
        Artifacts.record(c, jobId, written);
        JobRow current = row.get();
        if (current.state() == JobState.PLANNED) {
            current = Jobs.move(c, current, JobState.RUNNING);
        }
        Jobs.move(c, current, JobState.SUCCEEDED);
        Jobs.event(c, jobId, null, JobEvent.SUCCEEDED, "scheduler", "{\"manifest_lines\":" + manifest.manifest().lines() + "}");
        return true;
    }

    private static boolean allEnded(Connection c, UUID jobId) throws java.sql.SQLException {
        Map<TaskState, Integer> counts = Tasks.countByState(c, jobId);
        return counts.keySet().stream().allMatch(TaskState::isTerminal) && !counts.isEmpty();
    }
}
