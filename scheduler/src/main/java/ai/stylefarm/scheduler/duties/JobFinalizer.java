package ai.stylefarm.scheduler.duties;

import ai.stylefarm.scheduler.state.JobRow;
import ai.stylefarm.scheduler.state.Jobs;
import ai.stylefarm.scheduler.state.Tasks;
import ai.stylefarm.scheduler.state.Transactions;
import ai.stylefarm.scheduler.storage.ObjectStore;
import ai.stylefarm.schemas.GenerateJobSpec;
import ai.stylefarm.schemas.JobState;
import ai.stylefarm.schemas.Messages;
import ai.stylefarm.schemas.ObjectKeys;
import ai.stylefarm.schemas.TaskState;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HexFormat;
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
    private final ObjectStore store;

    public JobFinalizer(DataSource db, ObjectStore store) {
        this.db = db;
        this.store = store;
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
        Manifest manifest;
        try {
            manifest = writeManifest(job);
        } catch (IncompleteException e) {
            Transactions.inTransaction(db, c -> {
                Optional<JobRow> row = Jobs.lock(c, jobId);
                if (row.isPresent() && !row.get().state().isTerminal()) {
                    Jobs.move(c, row.get(), JobState.FAILED, Jobs.set("error", e.getMessage()));
                }
                return null;
            });
            LOG.errorf("Job %s failed: %s", jobId, e.getMessage());
            return;
        }
        Transactions.inTransaction(db, c -> {
            Optional<JobRow> row = Jobs.lock(c, jobId);
            if (row.isEmpty() || row.get().state().isTerminal()) {
                return null;
            }
            try (PreparedStatement s = c.prepareStatement("INSERT INTO artifacts (job_id, key, kind, bytes, sha256)"
                    + " VALUES (?, ?, 'manifest', ?, ?) ON CONFLICT (key) DO UPDATE SET bytes = EXCLUDED.bytes,"
                    + " sha256 = EXCLUDED.sha256")) {
                s.setObject(1, jobId);
                s.setString(2, ObjectKeys.manifest(jobId));
                s.setLong(3, manifest.bytes());
                s.setString(4, manifest.sha256());
                s.executeUpdate();
            }
            JobRow current = row.get();
            if (current.state() == JobState.PLANNED) {
                current = Jobs.move(c, current, JobState.RUNNING);
            }
            Jobs.move(c, current, JobState.SUCCEEDED);
            Jobs.event(c, jobId, null, "SUCCEEDED", "scheduler", "{\"manifest_lines\":" + manifest.lines() + "}");
            return null;
        });
        LOG.infof("Job %s succeeded: %d images, manifest %s", jobId, manifest.lines(), ObjectKeys.manifest(jobId));
    }

    private record Manifest(long lines, long bytes, String sha256) {
    }

    /**
     * {@code manifest.jsonl}: one line per seed, in seed order, streamed from the database to a temporary file so
     * that a job of millions of images needs no more memory than one of ten.
     */
    private Manifest writeManifest(JobRow job) {
        GenerateJobSpec spec;
        try {
            spec = GenerateJobSpec.parse(JSON.readTree(job.spec()));
        } catch (IOException e) {
            throw new IllegalStateException("unreadable spec of job " + job.id(), e);
        }
        Path file = null;
        try {
            file = Files.createTempFile("manifest-", ".jsonl");
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            long lines = 0;
            long lastSeed = -1;
            try (Connection c = db.getConnection();
                 OutputStream out = new DigestOutputStream(Files.newOutputStream(file), sha);
                 BufferedWriter writer = new BufferedWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8))) {
                c.setAutoCommit(false);
                try (PreparedStatement s = c.prepareStatement("SELECT seed, key, sha256, bytes FROM artifacts"
                        + " WHERE job_id = ? AND seed IS NOT NULL ORDER BY seed")) {
                    s.setFetchSize(10_000);
                    s.setObject(1, job.id());
                    try (ResultSet r = s.executeQuery()) {
                        while (r.next()) {
                            long seed = r.getLong(1);
                            if (seed == lastSeed) {
                                throw new IncompleteException("seed " + seed + " has more than one image");
                            }
                            lastSeed = seed;
                            ObjectNode line = JSON.createObjectNode();
                            line.put("seed", seed);
                            line.put("key", r.getString(2));
                            line.put("sha256", r.getString(3));
                            line.put("bytes", r.getLong(4));
                            line.put("truncation_psi", spec.truncationPsi());
                            if (spec.truncationCutoff() != null) {
                                line.put("truncation_cutoff", spec.truncationCutoff());
                            }
                            if (spec.classIdx() != null) {
                                line.put("class_idx", spec.classIdx());
                            }
                            line.put("noise_mode", spec.noiseMode().value());
                            writer.write(JSON.writeValueAsString(line));
                            writer.write('\n');
                            lines++;
                        }
                    }
                }
                c.rollback();
            }
            if (lines != spec.seeds().count()) {
                throw new IncompleteException("the manifest would list " + lines + " images, but the job asked for "
                        + spec.seeds().count() + " seeds");
            }
            long bytes = Files.size(file);
            store.upload(ObjectKeys.manifest(job.id()), file, "application/x-ndjson");
            return new Manifest(lines, bytes, HexFormat.of().formatHex(sha.digest()));
        } catch (IncompleteException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("could not write the manifest of job " + job.id() + ": " + e.getMessage(), e);
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // A temporary file; the OS cleans up.
                }
            }
        }
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

    private static final class IncompleteException extends RuntimeException {
        IncompleteException(String message) {
            super(message);
        }
    }
}
