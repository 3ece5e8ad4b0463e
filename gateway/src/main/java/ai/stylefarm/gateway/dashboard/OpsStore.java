package ai.stylefarm.gateway.dashboard;

import ai.stylefarm.gateway.jobs.ArtifactView;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * What the dashboard reads beyond the jobs API: a job's tasks and latest images, the workers, and the last hour's
 * throughput and failures. Every query is bounded (by job, by limit, or by the last hour on an index).
 */
@ApplicationScoped
public class OpsStore {
    /** Artifact kinds that are pictures, for thumbnails. */
    private static final List<String> PICTURES = List.of("image", "cell", "frame", "grid", "projection");

    private final AgroalDataSource db;

    public OpsStore(AgroalDataSource db) {
        this.db = db;
    }

    /** One cell of a job's task grid. */
    public record TaskView(int index, String state, int attempt, String worker, Instant startedAt, Instant finishedAt,
                           Double seconds, long itemsDone, String error) {
    }

    /** @param counts every state's count, so a grid cut at {@code limit} still tells the whole job */
    public record TaskGrid(Map<String, Long> counts, List<TaskView> tasks, boolean truncated) {
    }

    public record WorkerView(String id, String deviceKind, String deviceName, double heartbeatAgeSeconds,
                             UUID currentJob, Integer currentTask, double imagesPerSecond, long failuresLastHour,
                             List<String> models) {
    }

    /** Per minute of the last hour, oldest first: outputs stored and failed attempts. */
    public record Throughput(List<Instant> minutes, long[] items, long[] failures) {
    }

    public TaskGrid tasks(UUID job, int limit) {
        try (Connection c = db.getConnection()) {
            Map<String, Long> counts = new LinkedHashMap<>();
            try (PreparedStatement s = c.prepareStatement("SELECT state, count(*) FROM tasks WHERE job_id = ?"
                    + " GROUP BY state ORDER BY state")) {
                s.setObject(1, job);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        counts.put(r.getString(1), r.getLong(2));
                    }
                }
            }
            List<TaskView> tasks = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT idx, state, attempt, worker_id, started_at,"
                    + " finished_at, extract(epoch FROM coalesce(finished_at, now()) - started_at), items_done, error"
                    + " FROM tasks WHERE job_id = ? ORDER BY idx LIMIT ?")) {
                s.setObject(1, job);
                s.setInt(2, limit + 1);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        double seconds = r.getDouble(7);
                        tasks.add(new TaskView(r.getInt(1), r.getString(2), r.getInt(3), r.getString(4),
                                instant(r.getTimestamp(5)), instant(r.getTimestamp(6)), r.wasNull() ? null : seconds,
                                r.getLong(8), r.getString(9)));
                    }
                }
            }
            boolean truncated = tasks.size() > limit;
            return new TaskGrid(counts, truncated ? tasks.subList(0, limit) : tasks, truncated);
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the tasks of job " + job, e);
        }
    }

    /** The newest pictures of a job, newest first, each with a presigned link. */
    public List<ArtifactView> latestPictures(UUID job, int limit, Function<String, String> presign) {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("SELECT id, key, kind, seed,"
                + " bytes, sha256 FROM artifacts WHERE job_id = ? AND kind = ANY (?) ORDER BY id DESC LIMIT ?")) {
            s.setObject(1, job);
            s.setArray(2, c.createArrayOf("text", PICTURES.toArray()));
            s.setInt(3, limit);
            List<ArtifactView> pictures = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    long seed = r.getLong(4);
                    pictures.add(new ArtifactView(r.getLong(1), r.getString(2), r.getString(3), r.wasNull() ? null : seed,
                            r.getLong(5), r.getString(6), presign.apply(r.getString(2))));
                }
            }
            return pictures;
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the pictures of job " + job, e);
        }
    }

    /** Workers heard from in the last day, most recent first. */
    public List<WorkerView> workers() {
        String sql = "SELECT w.id, w.device_kind, w.device_name, extract(epoch FROM now() - w.last_heartbeat),"
                + " t.job_id, t.idx,"
                + " (SELECT coalesce(sum(d.items_done), 0) FROM tasks d WHERE d.worker_id = w.id AND d.state = 'SUCCEEDED'"
                + "    AND d.finished_at > now() - interval '5 minutes') / 300.0,"
                + " (SELECT count(*) FROM job_events e WHERE e.actor = w.id AND e.type IN ('TASK_RETRY', 'TASK_FAILED')"
                + "    AND e.at > now() - interval '1 hour'),"
                + " (SELECT string_agg(DISTINCT md.slug, ',') FROM tasks m JOIN jobs j ON j.id = m.job_id"
                + "    JOIN models md ON md.id = j.model_id"
                + "    WHERE m.worker_id = w.id AND m.finished_at > now() - interval '1 day')"
                + " FROM workers w LEFT JOIN tasks t ON t.id = w.current_task_id"
                + " WHERE w.last_heartbeat > now() - interval '1 day' ORDER BY w.last_heartbeat DESC LIMIT 500";
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(sql);
             ResultSet r = s.executeQuery()) {
            List<WorkerView> workers = new ArrayList<>();
            while (r.next()) {
                int task = r.getInt(6);
                Integer taskOrNull = r.wasNull() ? null : task;
                String models = r.getString(9);
                workers.add(new WorkerView(r.getString(1), r.getString(2), r.getString(3), r.getDouble(4),
                        r.getObject(5, UUID.class), taskOrNull, r.getDouble(7), r.getLong(8),
                        models == null ? List.of() : Arrays.asList(models.split(","))));
            }
            return workers;
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the workers", e);
        }
    }

    /** @param tenant null for all tenants (admins) */
    public Throughput lastHour(String tenant) {
        Instant now = Instant.now();
        Instant start = now.minusSeconds(3600).truncatedTo(java.time.temporal.ChronoUnit.MINUTES).plusSeconds(60);
        List<Instant> minutes = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            minutes.add(start.plusSeconds(60L * i));
        }
        long[] items = new long[60];
        long[] failures = new long[60];
        String scope = tenant == null ? "" : " AND j.tenant_id = ?";
        try (Connection c = db.getConnection()) {
            fill(c, "SELECT floor(extract(epoch FROM t.finished_at - ?) / 60), sum(t.items_done) FROM tasks t"
                    + " JOIN jobs j ON j.id = t.job_id WHERE t.finished_at >= ? AND t.state = 'SUCCEEDED'" + scope
                    + " GROUP BY 1", start, tenant, items);
            fill(c, "SELECT floor(extract(epoch FROM e.at - ?) / 60), count(*) FROM job_events e JOIN jobs j"
                    + " ON j.id = e.job_id WHERE e.at >= ? AND e.type IN ('TASK_RETRY', 'TASK_FAILED', 'LEASE_EXPIRED')"
                    + scope + " GROUP BY 1", start, tenant, failures);
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the last hour's throughput", e);
        }
        return new Throughput(minutes, items, failures);
    }

    private static void fill(Connection c, String sql, Instant start, String tenant, long[] into) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setTimestamp(1, Timestamp.from(start));
            s.setTimestamp(2, Timestamp.from(start));
            if (tenant != null) {
                s.setString(3, tenant);
            }
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    int minute = r.getInt(1);
                    if (minute >= 0 && minute < into.length) {
                        into[minute] += r.getLong(2);
                    }
                }
            }
        }
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
