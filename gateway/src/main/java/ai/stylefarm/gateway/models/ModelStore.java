package ai.stylefarm.gateway.models;

import ai.stylefarm.gateway.api.ApiException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The models table: registration (IMPORTING, then READY or FAILED) and lookups scoped to a tenant. */
@ApplicationScoped
public class ModelStore {
    private static final String COLUMNS = "id, tenant_id, name, state, source, bundle_sha256, metadata::text,"
            + " projection_threshold, error, created_at";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AgroalDataSource db;

    public ModelStore(AgroalDataSource db) {
        this.db = db;
    }

    /** Claims the id for a new model; 409 if it is taken. */
    public void reserve(String id, String tenant, String name, String source) {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("INSERT INTO models"
                + " (id, tenant_id, name, source) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING")) {
            s.setString(1, id);
            s.setString(2, tenant);
            s.setString(3, name);
            s.setString(4, source);
            if (s.executeUpdate() == 0) {
                throw ApiException.conflict("id", "a model with id '" + id + "' already exists");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not register model " + id, e);
        }
    }

    public void markReady(String id, String source, String bundleSha256, String metadataJson) {
        update(id, "UPDATE models SET state = 'READY', source = ?, bundle_sha256 = ?, metadata = ?::jsonb, error = NULL,"
                + " updated_at = now(), version = version + 1 WHERE id = ? AND state = 'IMPORTING'",
                source, bundleSha256, metadataJson, id);
    }

    /** A failed import frees its id again, so the user can retry with a fixed file. */
    public void release(String id) {
        update(id, "DELETE FROM models WHERE id = ? AND state = 'IMPORTING'", id);
    }

    private void update(String id, String sql, Object... args) {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not update model " + id, e);
        }
    }

    /** A model {@code tenant} may use: its own or a shared one. Admins ({@code tenant} null) see every model. */
    public Optional<ModelView> find(String id, String tenant) {
        List<ModelView> found = query("SELECT " + COLUMNS + " FROM models WHERE id = ?"
                + (tenant == null ? "" : " AND (tenant_id IS NULL OR tenant_id = ?)"), tenant == null
                ? new Object[] {id} : new Object[] {id, tenant});
        return found.stream().findFirst();
    }

    /** Whether the registered bundle's model.json lists {@code file} (the metadata column holds model.json). */
    public boolean hasFile(String id, String file) {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT jsonb_exists(metadata -> 'files', ?) FROM models WHERE id = ?")) {
            s.setString(1, file);
            s.setString(2, id);
            try (ResultSet r = s.executeQuery()) {
                return r.next() && r.getBoolean(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read model " + id, e);
        }
    }

    public List<ModelView> list(String tenant) {
        return tenant == null
                ? query("SELECT " + COLUMNS + " FROM models ORDER BY created_at DESC, id")
                : query("SELECT " + COLUMNS + " FROM models WHERE tenant_id IS NULL OR tenant_id = ?"
                        + " ORDER BY created_at DESC, id", tenant);
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
                throw new IllegalStateException("unreadable metadata of model " + r.getString(1), e);
            }
        }
        double threshold = r.getDouble(8);
        Double thresholdOrNull = r.wasNull() ? null : threshold;
        return new ModelView(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5),
                r.getString(6), integer(m, "resolution"), integer(m, "z_dim"), integer(m, "w_dim"),
                integer(m, "c_dim"), integer(m, "num_ws"), integer(m, "img_channels"), thresholdOrNull, r.getString(9),
                r.getTimestamp(10).toInstant());
    }

    private static Integer integer(JsonNode m, String field) {
        return m != null && m.hasNonNull(field) ? m.get(field).intValue() : null;
    }
}
