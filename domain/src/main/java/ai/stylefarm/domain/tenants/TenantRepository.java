package ai.stylefarm.domain.tenants;

import ai.stylefarm.domain.Refused;
import ai.stylefarm.domain.store.JobEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** The tenants table: who may use the farm, their fair-share weight, quotas and retention, and whether enabled. */
public class TenantRepository {
    private static final String COLUMNS = "id, name, weight, max_images_per_job, max_open_jobs, max_models,"
            + " retention_days, disabled_at";

    private final DataSource db;

    public TenantRepository(DataSource db) {
        this.db = db;
    }

    /**
     * @param retentionDays days a finished job keeps its outputs; null keeps them for ever
     * @param disabledAt    when an admin disabled the tenant: its keys stop working and its live jobs are cancelled
     */
    public record Tenant(String id, String name, int weight, int maxImagesPerJob, int maxOpenJobs, int maxModels,
                         Integer retentionDays, Instant disabledAt) {
    }

    /** @return false when the id is taken */
    public boolean create(Tenant t) {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("INSERT INTO tenants (id, name,"
                + " weight, max_images_per_job, max_open_jobs, max_models, retention_days)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING")) {
            s.setString(1, t.id());
            s.setString(2, t.name());
            s.setInt(3, t.weight());
            s.setInt(4, t.maxImagesPerJob());
            s.setInt(5, t.maxOpenJobs());
            s.setInt(6, t.maxModels());
            setNullableInt(s, 7, t.retentionDays());
            return s.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new IllegalStateException("could not create tenant " + t.id(), e);
        }
    }

    /** Writes the settings of {@code t} (not its state: see {@link #setDisabled}). */
    public Tenant update(Tenant t) {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("UPDATE tenants SET weight = ?,"
                + " max_images_per_job = ?, max_open_jobs = ?, max_models = ?, retention_days = ? WHERE id = ?")) {
            s.setInt(1, t.weight());
            s.setInt(2, t.maxImagesPerJob());
            s.setInt(3, t.maxOpenJobs());
            s.setInt(4, t.maxModels());
            setNullableInt(s, 5, t.retentionDays());
            s.setString(6, t.id());
            if (s.executeUpdate() == 0) {
                throw Refused.notFound("tenant", "tenant " + t.id());
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not update tenant " + t.id(), e);
        }
        return find(t.id()).orElseThrow(() -> Refused.notFound("tenant", "tenant " + t.id()));
    }

    /**
     * Disables (keys refused, live jobs asked to cancel, in one transaction) or enables a tenant.
     *
     * @return the live jobs asked to cancel
     */
    public int setDisabled(String tenant, boolean disabled, String actor) {
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement s = c.prepareStatement("UPDATE tenants SET disabled_at = CASE WHEN ? THEN"
                        + " coalesce(disabled_at, now()) END WHERE id = ?")) {
                    s.setBoolean(1, disabled);
                    s.setString(2, tenant);
                    if (s.executeUpdate() == 0) {
                        throw Refused.notFound("tenant", "tenant " + tenant);
                    }
                }
                int cancelled = disabled ? cancelLiveJobs(c, tenant, actor) : 0;
                c.commit();
                return cancelled;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not " + (disabled ? "disable" : "enable") + " tenant " + tenant, e);
        }
    }

    private static int cancelLiveJobs(Connection c, String tenant, String actor) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("WITH asked AS (UPDATE jobs SET cancel_requested_at ="
                + " coalesce(cancel_requested_at, now()), updated_at = now() WHERE tenant_id = ? AND state IN "
                + ai.stylefarm.schemas.JobState.liveSql() + " RETURNING id) INSERT INTO job_events (job_id, type, actor,"
                + " detail) SELECT id, ?, ?, '{\"reason\": \"tenant disabled\"}' FROM asked")) {
            s.setString(1, tenant);
            s.setString(2, JobEvent.CANCEL_REQUESTED.name());
            s.setString(3, actor);
            return s.executeUpdate();
        }
    }

    public Optional<Tenant> find(String id) {
        List<Tenant> found = query("SELECT " + COLUMNS + " FROM tenants WHERE id = ?", id);
        return found.stream().findFirst();
    }

    public List<Tenant> list() {
        return query("SELECT " + COLUMNS + " FROM tenants ORDER BY id");
    }

    private List<Tenant> query(String sql, Object... args) {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            List<Tenant> tenants = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    int retention = r.getInt(7);
                    Integer retentionOrNull = r.wasNull() ? null : retention;
                    Timestamp disabled = r.getTimestamp(8);
                    tenants.add(new Tenant(r.getString(1), r.getString(2), r.getInt(3), r.getInt(4), r.getInt(5),
                            r.getInt(6), retentionOrNull, disabled == null ? null : disabled.toInstant()));
                }
            }
            return tenants;
        } catch (SQLException e) {
            throw new IllegalStateException("could not read tenants", e);
        }
    }

    private static void setNullableInt(PreparedStatement s, int index, Integer value) throws SQLException {
        if (value == null) {
            s.setNull(index, Types.INTEGER);
        } else {
            s.setInt(index, value);
        }
    }
}
