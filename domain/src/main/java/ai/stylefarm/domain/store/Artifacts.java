package ai.stylefarm.domain.store;

import ai.stylefarm.schemas.ObjectKeys;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The artifacts table, inside the caller's transaction: one row per stored object, by its deterministic key, so a
 * replayed write records nothing twice.
 */
public final class Artifacts {
    private Artifacts() {
    }

    /**
     * One stored object to record.
     *
     * @param task the task that wrote it; null for what the scheduler wrote (manifests, reports, keyframes)
     * @param seed the seed it was rendered from; null for objects that hold many or none
     */
    public record NewArtifact(UUID task, String key, String kind, Long seed, long bytes, String sha256) {
    }

    /** Records objects of {@code job}; a key recorded before takes the new size, checksum and task. */
    public static void record(Connection c, UUID job, List<NewArtifact> artifacts) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO artifacts (job_id, task_id, key, kind, seed, bytes,"
                + " sha256) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET task_id = EXCLUDED.task_id,"
                + " bytes = EXCLUDED.bytes, sha256 = EXCLUDED.sha256")) {
            for (NewArtifact a : artifacts) {
                s.setObject(1, job);
                s.setObject(2, a.task());
                s.setString(3, a.key());
                s.setString(4, a.kind());
                s.setObject(5, a.seed());
                s.setLong(6, a.bytes());
                s.setString(7, a.sha256());
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    /** Which of {@code keys} have a row of {@code job}. */
    public static Set<String> recordedAmong(Connection c, UUID job, Collection<String> keys) throws SQLException {
        Set<String> found = new HashSet<>();
        try (PreparedStatement s = c.prepareStatement("SELECT key FROM artifacts WHERE job_id = ? AND key = ANY (?)")) {
            s.setObject(1, job);
            s.setArray(2, c.createArrayOf("text", keys.toArray()));
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    found.add(r.getString(1));
                }
            }
        }
        return found;
    }

    static void deleteAll(Connection c, UUID job) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM artifacts WHERE job_id = ?")) {
            s.setObject(1, job);
            s.executeUpdate();
        }
    }

    /** One recorded object, as read back. */
    public record Recorded(String key, String kind, String sha256, long bytes) {
    }

    /** Receives recorded objects one at a time, so a job of millions never sits in memory. */
    @FunctionalInterface
    public interface RowHandler {
        void accept(Recorded artifact) throws Exception;
    }

    /**
     * Streams the job's objects of {@code kinds}, ordered by kind and key, through a cursor; the caller's connection
     * must not be in auto-commit for the cursor to stream.
     */
    public static void stream(Connection c, UUID job, Collection<String> kinds, RowHandler handler) throws Exception {
        try (PreparedStatement s = c.prepareStatement("SELECT key, kind, sha256, bytes FROM artifacts"
                + " WHERE job_id = ? AND kind = ANY (?) ORDER BY kind, key")) {
            s.setFetchSize(1000);
            s.setObject(1, job);
            s.setArray(2, c.createArrayOf("text", kinds.toArray()));
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    handler.accept(new Recorded(r.getString(1), r.getString(2), r.getString(3), r.getLong(4)));
                }
            }
        }
    }

    /** What a worker's output is, from its deterministic key. */
    public static String kindOf(String key, Long seed) {
        if (seed != null) {
            return "image";
        }
        if (key.endsWith(".jsonl")) {
            return "manifest_part";
        }
        if (key.contains("/style_mix/")) {
            return "cell";
        }
        if (key.contains("/segments/")) {
            return "segment";
        }
        if (key.contains("/frames/")) {
            return "frame";
        }
        if (key.contains("/projections/")) {
            return projectionKind(key.substring(key.lastIndexOf('/') + 1));
        }
        return key.endsWith(".tar") ? "shard" : "output";
    }

    /** proj.png is the projection (a picture for thumbnails), target.png what it was matched to. */
    private static String projectionKind(String file) {
        return switch (file) {
            case ObjectKeys.PROJ_PNG -> "projection";
            case ObjectKeys.TARGET_PNG -> "target";
            case ObjectKeys.PROJECTED_W -> "projected_w";
            case ObjectKeys.PROJECTED_NOISE -> "projected_noise";
            case ObjectKeys.PROJ_MP4 -> "projection_video";
            case ObjectKeys.METRICS -> "metrics";
            default -> "output";
        };
    }
}
