package ai.stylefarm.domain.store;

import ai.stylefarm.schemas.TaskEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/** The workers table as the scheduler keeps it from task events (workers never touch the database). */
public final class Workers {
    private Workers() {
    }

    /**
     * The worker's last sign of life and its current task. A worker starts its next task while the previous one
     * stores its last outputs, so the end of a task clears the current task only if it is still that one.
     */
    public static void recordSighting(Connection c, TaskEvent event) throws SQLException {
        boolean ends = event.type() == TaskEvent.Type.SUCCEEDED || event.type() == TaskEvent.Type.FAILED;
        TaskEvent.Device device = event.device();
        TaskEvent.Host host = event.host();
        try (PreparedStatement s = c.prepareStatement("INSERT INTO workers (id, device_kind, device_name, last_heartbeat,"
                + " current_task_id, cpu_ratio, memory_bytes, gpu_ratio, started_at, version)"
                + " VALUES (?, ?, ?, now(), ?, ?, ?, ?, now() - make_interval(secs => ?), ?)"
                + " ON CONFLICT (id) DO UPDATE SET last_heartbeat = now(),"
                + " device_kind = coalesce(EXCLUDED.device_kind, workers.device_kind),"
                + " device_name = coalesce(EXCLUDED.device_name, workers.device_name),"
                + " current_task_id = CASE WHEN ? THEN nullif(workers.current_task_id, ?)"
                + " ELSE EXCLUDED.current_task_id END,"
                + " cpu_ratio = coalesce(EXCLUDED.cpu_ratio, workers.cpu_ratio),"
                + " memory_bytes = coalesce(EXCLUDED.memory_bytes, workers.memory_bytes),"
                + " gpu_ratio = CASE WHEN EXCLUDED.version IS NULL THEN workers.gpu_ratio ELSE EXCLUDED.gpu_ratio END,"
                + " started_at = coalesce(EXCLUDED.started_at, workers.started_at),"
                + " version = coalesce(EXCLUDED.version, workers.version)")) {
            s.setString(1, event.workerId());
            s.setString(2, device == null ? null : device.kind().value());
            s.setString(3, device == null ? null : device.name());
            s.setObject(4, ends ? null : event.taskId());
            s.setObject(5, host == null ? null : host.cpu());
            s.setObject(6, host == null ? null : host.memoryBytes());
            s.setObject(7, host == null ? null : host.gpu());
            s.setObject(8, host == null ? null : (double) host.uptimeSeconds());
            s.setString(9, host == null ? null : host.version());
            s.setBoolean(10, ends);
            s.setObject(11, event.taskId());
            s.executeUpdate();
        }
    }

    /** Seconds since each worker seen in the last day last reported. */
    public static Map<String, Double> secondsSinceHeartbeat(Connection c) throws SQLException {
        Map<String, Double> ages = new LinkedHashMap<>();
        try (PreparedStatement s = c.prepareStatement("SELECT id, extract(epoch FROM now() - last_heartbeat) FROM"
                + " workers WHERE last_heartbeat > now() - interval '1 day' ORDER BY id"); ResultSet r = s.executeQuery()) {
            while (r.next()) {
                ages.put(r.getString(1), r.getDouble(2));
            }
        }
        return ages;
    }
}
