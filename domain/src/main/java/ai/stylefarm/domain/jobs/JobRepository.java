package ai.stylefarm.domain.jobs;

import ai.stylefarm.domain.Refused;
import ai.stylefarm.domain.kinds.JobType;
import ai.stylefarm.domain.models.ModelRepository;
import ai.stylefarm.domain.outbox.Outbox;
import ai.stylefarm.domain.store.JobEvent;
import ai.stylefarm.domain.store.Jobs;
import ai.stylefarm.domain.uploads.UploadRepository;
import ai.stylefarm.schemas.JobKind;
import ai.stylefarm.schemas.JobMessage;
import ai.stylefarm.schemas.JobState;
import ai.stylefarm.schemas.Messages;
import ai.stylefarm.schemas.Topics;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Jobs as the API sees them. Submitting writes the job and its outbox message in one transaction, so a job is
 * accepted exactly when it will be published. Clients never change a job's state: they record requests (cancel,
 * delete), which the scheduler (the only writer of state) acts on.
 */
public class JobRepository {
    private static final Logger LOG = Logger.getLogger(JobRepository.class.getName());
    private static final String COLUMNS = "j.id, j.tenant_id, j.kind, m.slug, j.state, j.priority, j.spec::text,"
            + " j.tasks_total, j.tasks_done, j.tasks_failed, j.error, j.created_at, j.started_at, j.finished_at,"
            + " j.cancel_requested_at, (SELECT coalesce(sum(t.items_done), 0) FROM tasks t WHERE t.job_id = j.id),"
            + " j.items_total, j.outputs_deleted_at, j.model_id";
    /** Jobs the API shows: a job asked to be deleted is gone for clients at once. */
    private static final String VISIBLE = " FROM jobs j JOIN models m ON m.id = j.model_id WHERE j.delete_requested_at IS NULL";

    private final DataSource db;

    public JobRepository(DataSource db) {
        this.db = db;
    }

    /** The outcome of a submission: the job, and whether this request created it (else an idempotent replay). */
    public record Submitted(JobView job, boolean created) {
    }

    public Submitted submit(NewJob job) {
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try {
                if (job.idempotencyKey() != null) {
                    Optional<JobView> existing = byIdempotencyKey(c, job.tenant(), job.idempotencyKey());
                    if (existing.isPresent()) {
                        c.rollback();
                        return new Submitted(sameRequestOrConflict(existing.get(), job), false);
                    }
                }
                checkQuotas(c, job);
                holdInputs(c, job);
                UUID id = UUID.randomUUID();
                Instant now = Instant.now();
                try (PreparedStatement s = c.prepareStatement("INSERT INTO jobs (id, tenant_id, kind, model_id, spec,"
                        + " priority, idempotency_key, items_total, created_at, updated_at)"
                        + " VALUES (?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?)")) {
                    s.setObject(1, id);
                    s.setString(2, job.tenant());
                    s.setString(3, job.kind().value());
                    s.setString(4, job.modelKey());
                    s.setString(5, job.spec().toString());
                    s.setInt(6, job.priority());
                    s.setString(7, job.idempotencyKey());
                    s.setLong(8, job.outputs());
                    s.setTimestamp(9, Timestamp.from(now));
                    s.setTimestamp(10, Timestamp.from(now));
                    s.executeUpdate();
                }
                JobMessage message = new JobMessage(id, job.tenant(), job.kind(), job.modelKey(), job.priority(),
                        now);
                Outbox.enqueue(c, Topics.JOBS, id.toString(), Messages.toJson(message));
                Jobs.event(c, id, null, JobEvent.SUBMITTED, job.tenant(), "{\"items\":" + job.items() + "}");
                c.commit();
                // What was just committed, as committed: nothing after the commit may turn an accepted job into an error.
                return new Submitted(new JobView(id, job.tenant(), job.kind().value(), job.modelSlug(),
                        JobState.QUEUED.name(), job.priority(), job.spec(), new JobView.Tasks(0, 0, 0),
                        new JobView.Items(0, job.outputs()), 0.0, null, now, null, null, null, null, job.modelKey()), true);
            } catch (SQLException e) {
                c.rollback();
                if ("23505".equals(e.getSQLState()) && job.idempotencyKey() != null) {
                    // A concurrent request with the same key won the race.
                    JobView existing = byIdempotencyKey(c, job.tenant(), job.idempotencyKey()).orElseThrow(() -> e);
                    return new Submitted(sameRequestOrConflict(existing, job), false);
                }
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not store the job", e);
        }
    }

    /**
     * The model and the uploads a job reads, held for the transaction: a concurrent delete waits for the job to be
     * stored (and then refuses, the job being live), or deleted them first (and the job is refused here).
     */
    private static void holdInputs(Connection c, NewJob job) throws SQLException {
        if (!ModelRepository.lockForUse(c, job.modelKey())) {
            throw new Refused(Refused.Why.INVALID, "model", "model '" + job.modelSlug() + "' was deleted or is not"
                    + " ready");
        }
        for (UUID upload : job.uploads()) {
            if (!UploadRepository.lockForUse(c, upload)) {
                throw new Refused(Refused.Why.INVALID, "spec.targets", "upload " + upload + " was deleted");
            }
        }
    }

    /**
     * The tenant's quotas, checked under a lock on the tenant's row so that concurrent submissions cannot both
     * take the last open slot.
     */
    private static void checkQuotas(Connection c, NewJob job) throws SQLException {
        int maxImages;
        int maxOpen;
        try (PreparedStatement s = c.prepareStatement(
                "SELECT max_images_per_job, max_open_jobs FROM tenants WHERE id = ? FOR UPDATE")) {
            s.setString(1, job.tenant());
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    throw new Refused(Refused.Why.FORBIDDEN, "Authorization", "tenant '" + job.tenant()
                            + "' does not exist");
                }
                maxImages = r.getInt(1);
                maxOpen = r.getInt(2);
            }
        }
        if (job.items() > maxImages) {
            String field = JobType.of(job.kind()).quotaField();
            String what = job.kind() == JobKind.INTERPOLATE ? " images (frames × grid cells)" : " images";
            throw new Refused(Refused.Why.OVER_QUOTA, field, "the job asks for " + job.items() + what
                    + ", over the limit max_images_per_job = " + maxImages + " of tenant '" + job.tenant() + "'");
        }
        try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM jobs WHERE tenant_id = ?"
                + " AND state IN " + JobState.liveSql())) {
            s.setString(1, job.tenant());
            try (ResultSet r = s.executeQuery()) {
                r.next();
                if (r.getInt(1) >= maxOpen) {
                    throw new Refused(Refused.Why.QUOTA_FULL, "max_open_jobs", "tenant '" + job.tenant() + "' has "
                            + r.getInt(1) + " open jobs, its limit max_open_jobs = " + maxOpen
                            + "; wait for one to end or cancel one");
                }
            }
        }
    }

    private static JobView sameRequestOrConflict(JobView existing, NewJob job) {
        if (!existing.kind().equals(job.kind().value()) || !existing.modelKey().equals(job.modelKey())
                || existing.priority() != job.priority() || !existing.spec().equals(job.spec())) {
            throw Refused.conflict("Idempotency-Key", "this Idempotency-Key was already used for job "
                    + existing.id() + " with a different request");
        }
        return existing;
    }

    private Optional<JobView> byIdempotencyKey(Connection c, String tenant, String key) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + VISIBLE
                + " AND j.tenant_id = ? AND j.idempotency_key = ?")) {
            s.setString(1, tenant);
            s.setString(2, key);
            return one(s);
        }
    }

    public Optional<JobView> find(UUID id) {
        try (Connection c = db.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + VISIBLE + " AND j.id = ?")) {
            s.setObject(1, id);
            return one(s);
        } catch (SQLException e) {
            throw new IllegalStateException("could not read job " + id, e);
        }
    }

    /** A page of the jobs {@code filter} selects, newest first. */
    public Page<JobView> list(JobFilter filter, int limit, String cursor) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + VISIBLE);
        List<Object> args = new ArrayList<>();
        condition(sql, args, " AND j.tenant_id = ?", filter.tenant());
        condition(sql, args, " AND j.state = ?", filter.state());
        condition(sql, args, " AND j.kind = ?", filter.kind());
        condition(sql, args, " AND m.slug = ?", filter.model());
        condition(sql, args, " AND j.id::text LIKE ?",
                filter.idPrefix() == null ? null : filter.idPrefix().toLowerCase(java.util.Locale.ROOT) + "%");
        if (cursor != null) {
            Cursor after = Cursor.decode(cursor);
            sql.append(" AND (j.created_at, j.id) < (?, ?)");
            args.add(Timestamp.from(after.createdAt()));
            args.add(after.id());
        }
        sql.append(" ORDER BY j.created_at DESC, j.id DESC LIMIT ?");
        args.add(limit + 1);
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                s.setObject(i + 1, args.get(i));
            }
            List<JobView> jobs = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    jobs.add(view(r));
                }
            }
            String next = null;
            if (jobs.size() > limit) {
                jobs = jobs.subList(0, limit);
                JobView last = jobs.get(limit - 1);
                next = new Cursor(last.createdAt(), last.id()).encode();
            }
            return new Page<>(List.copyOf(jobs), next);
        } catch (SQLException e) {
            throw new IllegalStateException("could not list jobs", e);
        }
    }

    private static void condition(StringBuilder sql, List<Object> args, String clause, Object value) {
        if (value != null) {
            sql.append(clause);
            args.add(value);
        }
    }

    /**
     * Records a cancel request; the scheduler cancels the tasks and ends the job.
     *
     * @return false when the job had already ended
     */
    public boolean requestCancel(UUID id, String actor) {
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            int updated;
            try (PreparedStatement s = c.prepareStatement("UPDATE jobs SET cancel_requested_at = coalesce(cancel_requested_at, now()),"
                    + " updated_at = now() WHERE id = ? AND state IN " + JobState.liveSql())) {
                s.setObject(1, id);
                updated = s.executeUpdate();
            }
            if (updated == 1) {
                Jobs.event(c, id, null, JobEvent.CANCEL_REQUESTED, actor, "{}");
            }
            c.commit();
            return updated == 1;
        } catch (SQLException e) {
            throw new IllegalStateException("could not cancel job " + id, e);
        }
    }

    /**
     * Marks an ended job for deletion: it is gone from the API at once, and the scheduler removes its objects and
     * then its rows.
     *
     * @return false when the job is still live (it must be cancelled or end first)
     */
    public boolean requestDelete(UUID id, String actor) {
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            int updated;
            // Its Idempotency-Key is free again: a later request with it makes a new job.
            try (PreparedStatement s = c.prepareStatement("UPDATE jobs SET delete_requested_at = now(), updated_at = now(),"
                    + " idempotency_key = NULL WHERE id = ? AND delete_requested_at IS NULL AND state IN "
                    + JobState.terminalSql())) {
                s.setObject(1, id);
                updated = s.executeUpdate();
            }
            if (updated == 1) {
                Jobs.event(c, id, null, JobEvent.DELETE_REQUESTED, actor, "{}");
            }
            c.commit();
            return updated == 1;
        } catch (SQLException e) {
            throw new IllegalStateException("could not delete job " + id, e);
        }
    }

    /**
     * A page of a job's artifacts in id order, each link made by {@code presign}. The tasks' manifest parts, video
     * segments and keyframes are internal (the manifest holds their lines, the video their frames, and keyframes are
     * the walk's inputs) and listed only with {@code internal}.
     */
    public Page<ArtifactView> artifacts(UUID job, int limit, String cursor, boolean internal,
                                        Function<String, String> presign) {
        long after;
        try {
            after = cursor == null || cursor.isEmpty() ? 0 : Long.parseLong(cursor);
        } catch (NumberFormatException e) {
            after = -1;
        }
        if (after < 0) {
            throw new Refused(Refused.Why.MALFORMED, "cursor", "not a cursor from this API");
        }
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("SELECT id, key, kind, seed,"
                + " bytes, sha256 FROM artifacts WHERE job_id = ? AND id > ?"
                + (internal ? "" : " AND kind NOT IN ('manifest_part', 'segment', 'keyframe')") + " ORDER BY id LIMIT ?")) {
            s.setObject(1, job);
            s.setLong(2, after);
            s.setInt(3, limit + 1);
            List<ArtifactView> items = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    long seed = r.getLong(4);
                    Long seedOrNull = r.wasNull() ? null : seed;
                    items.add(new ArtifactView(r.getLong(1), r.getString(2), r.getString(3), seedOrNull, r.getLong(5),
                            r.getString(6), presign.apply(r.getString(2))));
                }
            }
            String next = null;
            if (items.size() > limit) {
                items = items.subList(0, limit);
                next = Long.toString(items.get(limit - 1).id());
            }
            return new Page<>(List.copyOf(items), next);
        } catch (SQLException e) {
            throw new IllegalStateException("could not list artifacts of job " + job, e);
        }
    }

    /** A stored output's key and kind. */
    public record ArtifactRef(String key, String kind) {
    }

    /** Every stored output of {@code job} of one of {@code kinds}, in id order. */
    public List<ArtifactRef> artifactsOfKinds(UUID job, Collection<String> kinds) {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("SELECT key, kind FROM artifacts"
                + " WHERE job_id = ? AND kind = ANY (?) ORDER BY id")) {
            s.setObject(1, job);
            s.setArray(2, c.createArrayOf("text", kinds.toArray()));
            List<ArtifactRef> refs = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    refs.add(new ArtifactRef(r.getString(1), r.getString(2)));
                }
            }
            return refs;
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the artifacts of job " + job, e);
        }
    }

    /** Whether {@code key} is a stored output of {@code job}. */
    public boolean hasArtifact(UUID job, String key) {
        try (Connection c = db.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT 1 FROM artifacts WHERE job_id = ? AND key = ?")) {
            s.setObject(1, job);
            s.setString(2, key);
            try (ResultSet r = s.executeQuery()) {
                return r.next();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the artifacts of job " + job, e);
        }
    }

    private static Optional<JobView> one(PreparedStatement s) throws SQLException {
        try (ResultSet r = s.executeQuery()) {
            return r.next() ? Optional.of(view(r)) : Optional.empty();
        }
    }

    /** A row as the API shows it. The spec is shown as stored, never interpreted: no stored spec can break a read. */
    private static JobView view(ResultSet r) throws SQLException {
        JsonNode spec;
        try {
            spec = Messages.mapper().readTree(r.getString(7));
        } catch (JsonProcessingException e) {
            LOG.log(Level.SEVERE, "Job " + r.getString(1) + " has a spec that does not read back as JSON: "
                    + e.getOriginalMessage());
            spec = NullNode.getInstance();
        }
        int total = r.getInt(8);
        int done = r.getInt(9);
        long itemsDone = r.getLong(16);
        long itemsTotal = r.getLong(17);
        double progress = itemsTotal > 0 ? Math.min(1.0, (double) itemsDone / itemsTotal)
                : total > 0 ? (double) done / total : 0.0;
        return new JobView(r.getObject(1, UUID.class), r.getString(2), r.getString(3), r.getString(4), r.getString(5),
                r.getInt(6), spec, new JobView.Tasks(total, done, r.getInt(10)),
                new JobView.Items(itemsDone, itemsTotal), progress, r.getString(11), instant(r, 12), instant(r, 13),
                instant(r, 14), instant(r, 15), instant(r, 18), r.getString(19));
    }

    private static Instant instant(ResultSet r, int column) throws SQLException {
        Timestamp t = r.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    /** Keyset cursor {@code (created_at, id)}, opaque to clients. */
    private record Cursor(Instant createdAt, UUID id) {
        String encode() {
            String raw = createdAt.toString() + "|" + id;
            return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
        }

        static Cursor decode(String cursor) {
            if (cursor.length() > 200) {
                throw new Refused(Refused.Why.MALFORMED, "cursor", "not a cursor from this API");
            }
            try {
                String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
                int bar = raw.indexOf('|');
                return new Cursor(Instant.parse(raw.substring(0, bar)), UUID.fromString(raw.substring(bar + 1)));
            } catch (RuntimeException e) {
                throw new Refused(Refused.Why.MALFORMED, "cursor", "not a cursor from this API");
            }
        }
    }
}
