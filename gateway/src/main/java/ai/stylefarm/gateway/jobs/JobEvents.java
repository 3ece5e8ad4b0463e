package ai.stylefarm.gateway.jobs;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.UUID;

/** The job's audit trail, written in the same transaction as what it records. */
final class JobEvents {
    private JobEvents() {
    }

    static void record(Connection c, UUID job, String type, String actor, String detailJson) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO job_events (job_id, type, actor, detail) VALUES (?, ?, ?, ?::jsonb)")) {
            s.setObject(1, job);
            s.setString(2, type);
            s.setString(3, actor);
            s.setString(4, detailJson);
            s.executeUpdate();
        }
    }
}
