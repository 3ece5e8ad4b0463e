package ai.stylefarm.domain.store;

import ai.stylefarm.schemas.JobState;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.UUID;

/** A job row as read for a compare-and-set. */
public record JobRow(UUID id, String tenant, String kind, String modelId, String spec, JobState state, int priority,
                     int tasksTotal, int tasksPlanned, int tasksDone, int tasksFailed, Instant cancelRequestedAt,
                     boolean deleteRequested, boolean outputsDeleted, String error, long version) {

    static final String COLUMNS = "id, tenant_id, kind, model_id, spec::text AS spec, state, priority, tasks_total,"
            + " tasks_planned, tasks_done, tasks_failed, cancel_requested_at, delete_requested_at IS NOT NULL AS deleting,"
            + " outputs_deleted_at IS NOT NULL AS outputs_deleted, error, version";

    public boolean fullyPlanned() {
        return tasksPlanned >= tasksTotal;
    }

    static JobRow read(ResultSet r) throws SQLException {
        return new JobRow(r.getObject("id", UUID.class), r.getString("tenant_id"), r.getString("kind"),
                r.getString("model_id"), r.getString("spec"), JobState.valueOf(r.getString("state")),
                r.getInt("priority"), r.getInt("tasks_total"), r.getInt("tasks_planned"), r.getInt("tasks_done"),
                r.getInt("tasks_failed"), Jobs.instant(r.getTimestamp("cancel_requested_at")), r.getBoolean("deleting"),
                r.getBoolean("outputs_deleted"), r.getString("error"), r.getLong("version"));
    }
}
