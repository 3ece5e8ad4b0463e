package ai.stylefarm.domain.uploads;

import ai.stylefarm.domain.Refused;
import ai.stylefarm.schemas.JobState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/** Uploaded images in PostgreSQL; the object itself is at {@code uploads/{tenant}/{id}}. */
public class UploadRepository {
    private final DataSource db;

    public UploadRepository(DataSource db) {
        this.db = db;
    }

    public record UploadView(UUID id, String tenant, String filename, String contentType, long bytes, String sha256,
                             int width, int height, int channels, Instant createdAt) {
    }

    public void insert(UploadView upload) {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("INSERT INTO uploads (id,"
                + " tenant_id, filename, content_type, bytes, sha256, created_at, width, height, channels)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            s.setObject(1, upload.id());
            s.setString(2, upload.tenant());
            s.setString(3, upload.filename());
            s.setString(4, upload.contentType());
            s.setLong(5, upload.bytes());
            s.setString(6, upload.sha256());
            s.setTimestamp(7, Timestamp.from(upload.createdAt()));
            s.setInt(8, upload.width());
            s.setInt(9, upload.height());
            s.setInt(10, upload.channels());
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not record upload " + upload.id(), e);
        }
    }

    /** Holds an upload for a submission's transaction (see {@link #delete}); false if it is gone. */
    public static boolean lockForUse(Connection c, UUID id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM uploads WHERE id = ? FOR SHARE")) {
            s.setObject(1, id);
            try (ResultSet r = s.executeQuery()) {
                return r.next();
            }
        }
    }

    /**
     * Deletes an upload's row unless a live job reads it; the caller then removes its object. Submissions hold the
     * row FOR SHARE while they store their job, so a job is either seen here or refused for want of the upload.
     */
    public void delete(UploadView upload) {
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM uploads WHERE id = ? FOR UPDATE")) {
                    s.setObject(1, upload.id());
                    try (ResultSet r = s.executeQuery()) {
                        if (!r.next()) {
                            throw Refused.notFound("id", "upload " + upload.id());
                        }
                    }
                }
                try (PreparedStatement s = c.prepareStatement("SELECT id FROM jobs WHERE tenant_id = ? AND state IN "
                        + JobState.liveSql() + " AND jsonb_path_exists(spec, '$.**.upload ? (@ == $u)',"
                        + " jsonb_build_object('u', ?::text)) LIMIT 1")) {
                    s.setString(1, upload.tenant());
                    s.setString(2, upload.id().toString());
                    try (ResultSet r = s.executeQuery()) {
                        if (r.next()) {
                            throw Refused.conflict("id", "upload " + upload.id() + " is a target of job "
                                    + r.getString(1) + ", which has not ended; cancel it or wait for it");
                        }
                    }
                }
                try (PreparedStatement s = c.prepareStatement("DELETE FROM uploads WHERE id = ?")) {
                    s.setObject(1, upload.id());
                    s.executeUpdate();
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not delete upload " + upload.id(), e);
        }
    }

    public Optional<UploadView> find(UUID id) {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("SELECT tenant_id, filename,"
                + " content_type, bytes, sha256, width, height, channels, created_at FROM uploads WHERE id = ?")) {
            s.setObject(1, id);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return Optional.empty();
                }
                return Optional.of(new UploadView(id, r.getString(1), r.getString(2), r.getString(3), r.getLong(4),
                        r.getString(5), r.getInt(6), r.getInt(7), r.getInt(8), r.getTimestamp(9).toInstant()));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read upload " + id, e);
        }
    }
}
