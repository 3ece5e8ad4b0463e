package ai.stylefarm.domain.models;

import ai.stylefarm.domain.Refused;
import ai.stylefarm.schemas.JobState;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The models table: registration (IMPORTING, then READY), lookups scoped to a tenant, and deletion. A model's id
 * (its slug) is unique among its owner's live models, so a tenant never learns which ids other tenants use; a
 * tenant's id may not repeat a shared model's, so that every id a tenant can name means one model.
 */
public class ModelRepository {
    private static final String COLUMNS = "m.slug, m.tenant_id, m.name, m.state, m.source, m.bundle_sha256,"
            + " m.metadata::text, m.projection_threshold, m.error, m.created_at, m.id";
    private static final String LIVE = "m.deleted_at IS NULL";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DataSource db;

    public ModelRepository(DataSource db) {
        this.db = db;
    }

    /**
     * Claims {@code slug} for a new model of {@code tenant} (null: shared), within the tenant's model quota.
     *
     * @return the new model's internal key
     */
    public String reserve(String slug, String tenant, String name, String source) {
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try {
                // Registrations of one slug take turns, so the checks below cannot both pass for two of them.
                try (PreparedStatement s = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext('model:' || ?))")) {
                    s.setString(1, slug);
                    s.execute();
                }
                if (tenant != null) {
                    checkQuota(c, tenant);
                }
                String clash = clash(c, slug, tenant);
                if (clash != null) {
                    throw Refused.conflict("id", clash);
                }
                String key = UUID.randomUUID().toString();
                try (PreparedStatement s = c.prepareStatement("INSERT INTO models (id, slug, tenant_id, name, source)"
                        + " VALUES (?, ?, ?, ?, ?)")) {
                    s.setString(1, key);
                    s.setString(2, slug);
                    s.setString(3, tenant);
                    s.setString(4, name);
                    s.setString(5, source);
                    s.executeUpdate();
                }
                c.commit();
                return key;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not register model " + slug, e);
        }
    }

    private static void checkQuota(Connection c, String tenant) throws SQLException {
        int max;
        try (PreparedStatement s = c.prepareStatement("SELECT max_models FROM tenants WHERE id = ? FOR UPDATE")) {
            s.setString(1, tenant);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    throw new Refused(Refused.Why.FORBIDDEN, "Authorization", "tenant '" + tenant + "' does not exist");
                }
                max = r.getInt(1);
            }
        }
        try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM models m WHERE m.tenant_id = ? AND " + LIVE)) {
            s.setString(1, tenant);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                if (r.getInt(1) >= max) {
                    throw new Refused(Refused.Why.QUOTA_FULL, "max_models", "tenant '" + tenant + "' has "
                            + r.getInt(1) + " models, its limit max_models = " + max + "; delete one first");
                }
            }
        }
    }

    /** Why {@code slug} is not free for {@code tenant}, in words that reveal nothing of other tenants; null if free. */
    private static String clash(Connection c, String slug, String tenant) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT m.tenant_id FROM models m WHERE m.slug = ? AND " + LIVE
                + (tenant == null ? "" : " AND (m.tenant_id IS NULL OR m.tenant_id = ?)"))) {
            s.setString(1, slug);
            if (tenant != null) {
                s.setString(2, tenant);
            }
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    String owner = r.getString(1);
                    if (owner == null) {
                        return "'" + slug + "' is the id of a shared model; choose another";
                    }
                    return tenant == null ? "tenant '" + owner + "' has a model '" + slug + "'; a shared model's id"
                            + " must be free in every tenant" : "you already have a model '" + slug + "'";
                }
            }
        }
        return null;
    }

    public void markReady(String key, String source, String bundleSha256, String metadataJson) {
        update(key, "UPDATE models SET state = " + ModelState.READY.sql() + ", source = ?, bundle_sha256 = ?, metadata = ?::jsonb,"
                + " error = NULL, updated_at = now(), version = version + 1 WHERE id = ? AND state = " + ModelState.IMPORTING.sql(),
                source, bundleSha256, metadataJson, key);
    }

    /** A failed import frees its id again, so the user can retry with a fixed file. */
    public void release(String key) {
        update(key, "DELETE FROM models WHERE id = ? AND state = " + ModelState.IMPORTING.sql(), key);
    }

    private void update(String key, String sql, Object... args) {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not update model " + key, e);
        }
    }

    /** The model {@code tenant} means by {@code slug}: its own, else a shared one. */
    public Optional<ModelView> find(String slug, String tenant) {
        return query("SELECT " + COLUMNS + " FROM models m WHERE m.slug = ? AND " + LIVE
                + " AND (m.tenant_id = ? OR m.tenant_id IS NULL) ORDER BY m.tenant_id NULLS LAST LIMIT 1", slug, tenant)
                .stream().findFirst();
    }

    public Optional<ModelView> findByKey(String key) {
        return query("SELECT " + COLUMNS + " FROM models m WHERE m.id = ? AND " + LIVE, key).stream().findFirst();
    }

    /** Whether the registered bundle's model.json lists {@code file} (the metadata column holds model.json). */
    public boolean hasFile(String key, String file) {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT jsonb_exists(metadata -> 'files', ?) FROM models WHERE id = ?")) {
            s.setString(1, file);
            s.setString(2, key);
            try (ResultSet r = s.executeQuery()) {
                return r.next() && r.getBoolean(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read model " + key, e);
        }
    }

    /** @param tenant null for every tenant's (admins) */
    public List<ModelView> list(String tenant) {
        return tenant == null
                ? query("SELECT " + COLUMNS + " FROM models m WHERE " + LIVE + " ORDER BY m.created_at DESC, m.slug")
                : query("SELECT " + COLUMNS + " FROM models m WHERE " + LIVE + " AND (m.tenant_id IS NULL OR"
                        + " m.tenant_id = ?) ORDER BY m.created_at DESC, m.slug", tenant);
    }

    /**
     * Deletes a model unless a live job uses it (as its model, or as a calibration's negative model). The row stays,
     * marked deleted, so finished jobs still name their model; the id is free again.
     *
     * @return the deleted model, so its objects can be removed
     */
    public ModelView delete(ModelView model) {
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try {
                // Submissions read this row FOR SHARE in their transaction: a job is either accepted before the
                // delete looks for users, or refused after it.
                try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM models WHERE id = ? AND deleted_at IS NULL"
                        + " FOR UPDATE")) {
                    s.setString(1, model.key());
                    try (ResultSet r = s.executeQuery()) {
                        if (!r.next()) {
                            throw Refused.notFound("id", "model " + model.id());
                        }
                    }
                }
                String user = liveUser(c, model.key());
                if (user != null) {
                    throw Refused.conflict("id", "model '" + model.id() + "' is in use by job " + user
                            + "; cancel it or wait for it to end");
                }
                try (PreparedStatement s = c.prepareStatement("UPDATE models SET deleted_at = now(), updated_at = now(),"
                        + " version = version + 1 WHERE id = ?")) {
                    s.setString(1, model.key());
                    s.executeUpdate();
                }
                c.commit();
                return model;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not delete model " + model.id(), e);
        }
    }

    private static String liveUser(Connection c, String key) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT id FROM jobs WHERE state IN " + JobState.liveSql()
                + " AND (model_id = ? OR spec ->> 'negative_model_key' = ?) LIMIT 1")) {
            s.setString(1, key);
            s.setString(2, key);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? r.getString(1) : null;
            }
        }
    }

    /** Holds a model for a submission's transaction: a delete waits for it, and it fails if the model is gone. */
    public static boolean lockForUse(Connection c, String key) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM models WHERE id = ? AND deleted_at IS NULL"
                + " AND state = " + ModelState.READY.sql() + " FOR SHARE")) {
            s.setString(1, key);
            try (ResultSet r = s.executeQuery()) {
                return r.next();
            }
        }
    }

    /** Why jobs can no longer use the model with this key, or null if they can. */
    public static String unusableReason(Connection c, String key) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT state FROM models WHERE id = ? AND deleted_at IS NULL")) {
            s.setString(1, key);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return "model '" + key + "' no longer exists";
                }
                return ModelState.READY.name().equals(r.getString(1)) ? null : "model '" + key + "' is " + r.getString(1);
            }
        }
    }

    /** What a dataset card says of its model: the id its owner gave it, the bundle's checksum, its name. */
    public record Identity(String slug, String bundleSha256, String name) {
    }

    /** The identity of a model by key, deleted models included (a finished job still names its model). */
    public Optional<Identity> identity(String key) {
        try (Connection c = db.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT slug, bundle_sha256, name FROM models WHERE id = ?")) {
            s.setString(1, key);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(new Identity(r.getString(1), r.getString(2), r.getString(3)))
                        : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read model " + key, e);
        }
    }

    /** Records a calibration's decision threshold on its model. */
    public void setProjectionThreshold(String key, double threshold) {
        try (Connection c = db.getConnection();
             PreparedStatement s = c.prepareStatement("UPDATE models SET projection_threshold = ? WHERE id = ?")) {
            s.setDouble(1, threshold);
            s.setString(2, key);
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not record the threshold of model " + key, e);
        }
    }

    private List<ModelView> query(String sql, Object... args) {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            List<ModelView> models = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    models.add(view(r));
                }
            }
            return models;
        } catch (SQLException e) {
            throw new IllegalStateException("could not read models", e);
        }
    }

    private static ModelView view(ResultSet r) throws SQLException {
        JsonNode m = null;
        String metadata = r.getString(7);
        if (metadata != null) {
            try {
                m = JSON.readTree(metadata);
            } catch (IOException e) {
                throw new IllegalStateException("unreadable metadata of model " + r.getString(11), e);
            }
        }
        double threshold = r.getDouble(8);
        Double thresholdOrNull = r.wasNull() ? null : threshold;
        return new ModelView(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5),
                r.getString(6), integer(m, "resolution"), integer(m, "z_dim"), integer(m, "w_dim"),
                integer(m, "c_dim"), integer(m, "num_ws"), integer(m, "img_channels"), thresholdOrNull, r.getString(9),
                r.getTimestamp(10).toInstant(), r.getString(11));
    }

    private static Integer integer(JsonNode m, String field) {
        return m != null && m.hasNonNull(field) && m.get(field).canConvertToInt() ? m.get(field).intValue() : null;
    }
}
