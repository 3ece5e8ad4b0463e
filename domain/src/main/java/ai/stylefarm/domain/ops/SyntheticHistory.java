package ai.stylefarm.domain.ops;

import ai.stylefarm.domain.store.Artifacts;
import ai.stylefarm.schemas.JobState;
import ai.stylefarm.schemas.TaskState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * A farm's worth of history written straight into the tables, for the dashboard benchmark: what the dashboard reads
 * after months of use, in seconds instead of months. Never used by the services.
 */
public final class SyntheticHistory {
    private SyntheticHistory() {
    }

    /**
     * {@code jobs} generate jobs of tenants {@code acme} and {@code globex} with model {@code model}, in every state but
     * paused, each with {@code tasksPerJob} tasks that succeeded in the last hour on eight workers.
     *
     * @return the newest job
     */
    public static UUID insertJobs(Connection c, String model, int jobs, int tasksPerJob) throws SQLException {
        String states = List.of(JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED, JobState.RUNNING,
                JobState.QUEUED, JobState.PLANNED).stream().map(JobState::sql).collect(Collectors.joining(","));
        try (PreparedStatement jobRows = c.prepareStatement("INSERT INTO jobs (id, tenant_id, kind, model_id, spec,"
                + " state, priority, tasks_total, tasks_planned, tasks_done, created_at, updated_at, started_at,"
                + " finished_at) SELECT gen_random_uuid(), CASE WHEN g % 2 = 0 THEN 'acme' ELSE 'globex' END,"
                + " 'generate', ?, jsonb_build_object('seeds', '0-' || (? * 64 - 1)), (ARRAY[" + states + "])[1 + g % 6],"
                + " 5, ?, ?, ?, now() - g * interval '3 seconds', now(), now() - g * interval '3 seconds', now()"
                + " FROM generate_series(1, ?) g");
             PreparedStatement taskRows = c.prepareStatement("INSERT INTO tasks (id, job_id, idx, kind, spec, state,"
                     + " attempt, worker_id, items_done, started_at, finished_at, created_at, updated_at)"
                     + " SELECT gen_random_uuid(), j.id, i, 'generate', '{}'::jsonb, " + TaskState.SUCCEEDED.sql()
                     + ", 1, 'worker-' || (i % 8), 64, now() - interval '1 hour' + random() * interval '59 minutes',"
                     + " now() - random() * interval '59 minutes', now(), now() FROM jobs j,"
                     + " generate_series(0, ? - 1) i");
             Statement s = c.createStatement()) {
            jobRows.setString(1, model);
            jobRows.setInt(2, tasksPerJob);
            jobRows.setInt(3, tasksPerJob);
            jobRows.setInt(4, tasksPerJob);
            jobRows.setInt(5, tasksPerJob);
            jobRows.setInt(6, jobs);
            jobRows.executeUpdate();
            taskRows.setInt(1, tasksPerJob);
            taskRows.executeUpdate();
            s.execute("INSERT INTO workers (id, device_kind, device_name, last_heartbeat)"
                    + " SELECT 'worker-' || i, 'cuda', 'cuda:0', now() - random() * interval '5 seconds'"
                    + " FROM generate_series(0, 7) i");
            s.execute("ANALYZE jobs; ANALYZE tasks");
            try (ResultSet r = s.executeQuery("SELECT id FROM jobs ORDER BY created_at DESC LIMIT 1")) {
                r.next();
                return r.getObject(1, UUID.class);
            }
        }
    }

    /**
     * A calibration of tenant {@code acme} with model {@code model} that succeeded: its row, one succeeded project
     * task per target on eight workers, and {@code artifacts} (the caller stores their objects).
     */
    public static void insertFinishedCalibration(Connection c, UUID job, String model, String specJson, int targets,
                                                 List<Artifacts.NewArtifact> artifacts) throws SQLException {
        try (PreparedStatement jobRow = c.prepareStatement("INSERT INTO jobs (id, tenant_id, kind, model_id, spec, state,"
                + " priority, tasks_total, tasks_planned, tasks_done, created_at, updated_at, started_at, finished_at)"
                + " VALUES (?, 'acme', 'calibrate', ?, ?::jsonb, " + JobState.SUCCEEDED.sql() + ", 5, ?, ?, ?, now(),"
                + " now(), now(), now())");
             PreparedStatement taskRows = c.prepareStatement("INSERT INTO tasks (id, job_id, idx, kind, spec, state,"
                     + " attempt, worker_id, items_done, started_at, finished_at, created_at, updated_at)"
                     + " SELECT gen_random_uuid(), ?, i, 'project', '{}'::jsonb, " + TaskState.SUCCEEDED.sql()
                     + ", 1, 'worker-' || (i % 8), 1, now(), now(), now(), now() FROM generate_series(0, ? - 1) i")) {
            jobRow.setObject(1, job);
            jobRow.setString(2, model);
            jobRow.setString(3, specJson);
            jobRow.setInt(4, targets);
            jobRow.setInt(5, targets);
            jobRow.setInt(6, targets);
            jobRow.executeUpdate();
            taskRows.setObject(1, job);
            taskRows.setInt(2, targets);
            taskRows.executeUpdate();
        }
        Artifacts.record(c, job, artifacts);
    }
}
