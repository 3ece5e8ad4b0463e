package ai.stylefarm.domain.ops;

import ai.stylefarm.domain.jobs.ArtifactView;
import ai.stylefarm.domain.store.JobEvent;
import ai.stylefarm.schemas.Messages;
import ai.stylefarm.schemas.TaskKind;
import ai.stylefarm.schemas.TaskState;
import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * What the dashboard reads beyond the jobs API: a job's tasks and latest images, the workers, and the last hour's
 * throughput and failures. Every query is bounded (by job, by limit, or by the last hour on an index).
 */
public class DashboardQueries {
    /** Artifact kinds that are pictures, for thumbnails. */
    private static final List<String> PICTURES = List.of("image", "cell", "frame", "grid", "projection");
    /** The throughput window: the last hour, a minute per point. */
    private static final int MINUTES = 60;

    private final DataSource db;

    public DashboardQueries(DataSource db) {
        this.db = db;
    }

    /**
     * One cell of a job's task grid.
     *
     * @param range what the task covers: {@code seeds 0-63}, {@code frames 120-239}, {@code target 3}
     */
    public record TaskView(int index, String state, String range, int attempt, String worker, Instant startedAt,
                           Instant finishedAt, Double seconds, long itemsDone, String error) {
    }

    /**
     * One attempt of a task, from the job's audit trail.
     *
     * @param outcome {@code running}, {@code succeeded}, {@code failed}, {@code retried}, {@code lease expired} or
     *                {@code cancelled}
     */
    public record Attempt(int attempt, String worker, Instant startedAt, String outcome, String error) {
    }

    /** A task with its spec and every attempt so far. */
    public record TaskDetail(int index, String kind, String state, String range, JsonNode spec, List<Attempt> attempts) {
    }

    /** @param counts every state's count, so a grid cut at {@code limit} still tells the whole job */
    public record TaskGrid(Map<String, Long> counts, List<TaskView> tasks, boolean truncated) {
    }

    /**
     * @param status {@code active}; {@code draining} (asked to drain, still on its task) or {@code drained} (asked to
     *               drain, no task: it has left the group or is about to)
     */
    /**
     * @param failuresLastHour   attempts that failed or ran out of lease on it
     * @param cancelledLastHour  its tasks whose job was cancelled: not failures
     * @param cpu                its process's share of the host's CPU at its latest heartbeat (null before one)
     * @param gpu                its GPU's busy fraction, null without a GPU
     */
    public record WorkerView(String id, String status, String deviceKind, String deviceName, double heartbeatAgeSeconds,
                             UUID currentJob, Integer currentTask, double imagesPerSecond, long failuresLastHour,
                             long cancelledLastHour, List<String> models, Instant drainRequestedAt, Double cpu,
                             Long memoryBytes, Double gpu, Double uptimeSeconds, String version) {
    }

    /**
     * Per minute of the last hour, oldest first: outputs stored and failed attempts, and the outputs split by job
     * kind and by model.
     */
    public record Throughput(List<Instant> minutes, long[] items, long[] failures, List<Series> byKind,
                             List<Series> byModel) {
    }

    /** One kind's or one model's outputs per minute. */
    public record Series(String name, long[] items) {
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
                    + " finished_at, extract(epoch FROM coalesce(finished_at, now()) - started_at), items_done, error,"
                    + " kind, spec::text FROM tasks WHERE job_id = ? ORDER BY idx LIMIT ?")) {
                s.setObject(1, job);
                s.setInt(2, limit + 1);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        double seconds = r.getDouble(7);
                        Double secondsOrNull = r.wasNull() ? null : seconds;
                        tasks.add(new TaskView(r.getInt(1), r.getString(2), describe(r.getString(10), r.getString(11)),
                                r.getInt(3), r.getString(4), instant(r.getTimestamp(5)), instant(r.getTimestamp(6)),
                                secondsOrNull, r.getLong(8), r.getString(9)));
                    }
                }
            }
            boolean truncated = tasks.size() > limit;
            return new TaskGrid(counts, truncated ? tasks.subList(0, limit) : tasks, truncated);
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the tasks of job " + job, e);
        }
    }

    /** Task {@code index} of {@code job} with every attempt: which worker ran it, and how it ended. */
    public Optional<TaskDetail> task(UUID job, int index) {
        try (Connection c = db.getConnection()) {
            UUID id;
            String kind;
            String state;
            String spec;
            String error;
            try (PreparedStatement s = c.prepareStatement("SELECT id, kind, state, spec::text, error FROM tasks"
                    + " WHERE job_id = ? AND idx = ?")) {
                s.setObject(1, job);
                s.setInt(2, index);
                try (ResultSet r = s.executeQuery()) {
                    if (!r.next()) {
                        return Optional.empty();
                    }
                    id = r.getObject(1, UUID.class);
                    kind = r.getString(2);
                    state = r.getString(3);
                    spec = r.getString(4);
                    error = r.getString(5);
                }
            }
            List<Attempt> attempts = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT type, actor, at, detail::text FROM job_events"
                    + " WHERE task_id = ? ORDER BY at, id")) {
                s.setObject(1, id);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        fold(attempts, JobEvent.valueOf(r.getString(1)), r.getString(2), instant(r.getTimestamp(3)),
                                Messages.mapper().readTree(r.getString(4)));
                    }
                }
            }
            TaskState now = TaskState.valueOf(state);
            Attempt last = attempts.isEmpty() ? null : attempts.get(attempts.size() - 1);
            if (last != null && now.isTerminal() && (last.outcome().equals(RUNNING) || last.error() == null)) {
                // The end of the last attempt as the task row has it: its state, and its reason when it failed.
                attempts.set(attempts.size() - 1, new Attempt(last.attempt(), last.worker(), last.startedAt(),
                        now.name().toLowerCase(java.util.Locale.ROOT), now == TaskState.SUCCEEDED ? null : error));
            }
            return Optional.of(new TaskDetail(index, kind, state, describe(kind, spec), Messages.mapper().readTree(spec),
                    List.copyOf(attempts)));
        } catch (SQLException | java.io.IOException e) {
            throw new IllegalStateException("could not read task " + index + " of job " + job, e);
        }
    }

    private static final String RUNNING = "running";

    /** Applies one audit entry of a task to its attempts so far. */
    private static void fold(List<Attempt> attempts, JobEvent type, String actor, Instant at, JsonNode detail) {
        Attempt last = attempts.isEmpty() ? null : attempts.get(attempts.size() - 1);
        switch (type) {
            case TASK_STARTED -> attempts.add(new Attempt(detail.path("attempt").asInt(), actor, at, RUNNING, null));
            case TASK_REASSIGNED -> {
                if (last != null) {
                    attempts.set(attempts.size() - 1, new Attempt(last.attempt(), actor, last.startedAt(),
                            last.outcome(), last.error()));
                }
            }
            case TASK_RETRY, TASK_FAILED, LEASE_EXPIRED -> {
                String outcome = type == JobEvent.TASK_RETRY ? "retried" : type == JobEvent.LEASE_EXPIRED
                        ? "lease expired" : "failed";
                String error = detail.path("reason").isTextual() ? detail.path("reason").asText()
                        : type == JobEvent.LEASE_EXPIRED ? "no heartbeat within the lease" : null;
                if (last != null && last.outcome().equals(RUNNING)) {
                    attempts.set(attempts.size() - 1, new Attempt(last.attempt(), last.worker(), last.startedAt(),
                            outcome, error));
                } else if (type != JobEvent.TASK_FAILED || last == null) {
                    // An attempt that no worker started (its lease ran out while it waited on Kafka).
                    attempts.add(new Attempt(detail.path("attempt").asInt(), null, null, outcome, error));
                }
            }
            default -> {
            }
        }
    }

    /** What a task covers, from its stored spec; blank for a spec that no longer reads. */
    private static String describe(String kind, String spec) {
        try {
            return TaskKind.of(kind).readSpec(spec).describe();
        } catch (java.io.IOException | RuntimeException e) {
            return "";
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
        return workers("w.last_heartbeat > now() - interval '1 day'", null);
    }

    /** One worker by id, however long ago it was heard from. */
    public Optional<WorkerView> worker(String id) {
        return workers("w.id = ?", id).stream().findFirst();
    }

    private List<WorkerView> workers(String where, String arg) {
        String sql = "SELECT w.id, w.device_kind, w.device_name, extract(epoch FROM now() - w.last_heartbeat),"
                + " t.job_id, t.idx,"
                + " (SELECT coalesce(sum(d.items_done), 0) FROM tasks d WHERE d.worker_id = w.id AND d.state = "
                + TaskState.SUCCEEDED.sql() + " AND d.finished_at > now() - interval '5 minutes') / 300.0,"
                + " (SELECT count(*) FROM job_events e WHERE e.actor = w.id AND e.type IN "
                + JobEvent.sqlList(Set.of(JobEvent.TASK_RETRY, JobEvent.TASK_FAILED))
                + " AND e.at > now() - interval '1 hour'),"
                + " (SELECT string_agg(DISTINCT md.slug, ',') FROM tasks m JOIN jobs j ON j.id = m.job_id"
                + "    JOIN models md ON md.id = j.model_id"
                + "    WHERE m.worker_id = w.id AND m.finished_at > now() - interval '1 day'),"
                + " w.drain_requested_at,"
                + " (SELECT count(*) FROM tasks x WHERE x.worker_id = w.id AND x.state = " + TaskState.CANCELLED.sql()
                + " AND x.finished_at > now() - interval '1 hour'),"
                + " w.cpu_ratio, w.memory_bytes, w.gpu_ratio, extract(epoch FROM now() - w.started_at)::float8, w.version"
                + " FROM workers w LEFT JOIN tasks t ON t.id = w.current_task_id"
                + " WHERE " + where + " ORDER BY w.last_heartbeat DESC LIMIT 500";
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            if (arg != null) {
                s.setString(1, arg);
            }
            List<WorkerView> workers = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    int task = r.getInt(6);
                    Integer taskOrNull = r.wasNull() ? null : task;
                    String models = r.getString(9);
                    Timestamp drain = r.getTimestamp(10);
                    String status = drain == null ? "active" : taskOrNull != null ? "draining" : "drained";
                    workers.add(new WorkerView(r.getString(1), status, r.getString(2), r.getString(3), r.getDouble(4),
                            r.getObject(5, UUID.class), taskOrNull, r.getDouble(7), r.getLong(8), r.getLong(11),
                            models == null ? List.of() : Arrays.asList(models.split(",")),
                            drain == null ? null : drain.toInstant(), r.getObject(12, Double.class),
                            r.getObject(13, Long.class), r.getObject(14, Double.class), r.getObject(15, Double.class),
                            r.getString(16)));
                }
            }
            return workers;
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the workers", e);
        }
    }

    /**
     * Asks a worker to drain ({@code drain}) or to work again. The worker learns it from the bucket, where the caller
     * puts or removes its marker; this records the request for the dashboard.
     *
     * @return false if no worker has that id
     */
    public boolean setDrainRequested(String worker, boolean drain) {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("UPDATE workers SET"
                + " drain_requested_at = CASE WHEN ? THEN coalesce(drain_requested_at, now()) END WHERE id = ?")) {
            s.setBoolean(1, drain);
            s.setString(2, worker);
            return s.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new IllegalStateException("could not record the drain of worker " + worker, e);
        }
    }

    /** @param tenant null for all tenants (admins) */
    public Throughput lastHour(String tenant) {
        Instant now = Instant.now();
        Instant start = now.minusSeconds(3600).truncatedTo(java.time.temporal.ChronoUnit.MINUTES).plusSeconds(60);
        List<Instant> minutes = new ArrayList<>();
        for (int i = 0; i < MINUTES; i++) {
            minutes.add(start.plusSeconds(60L * i));
        }
        Map<String, long[]> failures = new LinkedHashMap<>();
        Map<String, long[]> byKind = new TreeMap<>();
        Map<String, long[]> byModel = new TreeMap<>();
        String scope = tenant == null ? "" : " AND j.tenant_id = ?";
        try (Connection c = db.getConnection()) {
            fill(c, "SELECT floor(extract(epoch FROM t.finished_at - ?) / 60), j.kind, m.slug, sum(t.items_done)"
                    + " FROM tasks t JOIN jobs j ON j.id = t.job_id JOIN models m ON m.id = j.model_id"
                    + " WHERE t.finished_at >= ? AND t.state = " + TaskState.SUCCEEDED.sql() + scope
                    + " GROUP BY 1, 2, 3", start, tenant, byKind, byModel);
            fill(c, "SELECT floor(extract(epoch FROM e.at - ?) / 60), '', '', count(*) FROM job_events e JOIN jobs j"
                    + " ON j.id = e.job_id WHERE e.at >= ? AND e.type IN " + JobEvent.sqlList(JobEvent.TROUBLE)
                    + scope + " GROUP BY 1", start, tenant, failures, new LinkedHashMap<>());
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the last hour's throughput", e);
        }
        long[] items = new long[MINUTES];
        byKind.values().forEach(k -> Arrays.setAll(items, i -> items[i] + k[i]));
        return new Throughput(minutes, items, failures.getOrDefault("", new long[MINUTES]), series(byKind),
                series(byModel));
    }

    private static List<Series> series(Map<String, long[]> byName) {
        return byName.entrySet().stream().map(e -> new Series(e.getKey(), e.getValue())).toList();
    }

    /** Adds each row's count (column 4) to its minute, under its kind (column 2) and its model (column 3). */
    private static void fill(Connection c, String sql, Instant start, String tenant, Map<String, long[]> byKind,
                             Map<String, long[]> byModel) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setTimestamp(1, Timestamp.from(start));
            s.setTimestamp(2, Timestamp.from(start));
            if (tenant != null) {
                s.setString(3, tenant);
            }
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    int minute = r.getInt(1);
                    if (minute >= 0 && minute < MINUTES) {
                        byKind.computeIfAbsent(r.getString(2), k -> new long[MINUTES])[minute] += r.getLong(4);
                        byModel.computeIfAbsent(r.getString(3), k -> new long[MINUTES])[minute] += r.getLong(4);
                    }
                }
            }
        }
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
