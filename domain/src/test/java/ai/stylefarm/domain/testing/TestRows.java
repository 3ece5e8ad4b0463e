package ai.stylefarm.domain.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import javax.sql.DataSource;

/** The rows most tests start from, written straight into the tables. */
public final class TestRows {
    private TestRows() {
    }

    /** A tenant with default quotas. */
    public static void tenant(DataSource db, String id) {
        update(db, "INSERT INTO tenants (id, name) VALUES (?, ?) ON CONFLICT (id) DO NOTHING", id, id);
    }

    /** A READY model of {@code tenant} (null: a model every tenant may use) whose key is its id. */
    public static void readyModel(DataSource db, String key, String tenant) {
        update(db, "INSERT INTO models (id, slug, tenant_id, name, state, source, bundle_sha256, metadata)"
                + " VALUES (?, ?, ?, ?, 'READY', 'random', repeat('a', 64), '{\"resolution\": 32}')", key, key, tenant,
                key);
    }

    /** The first column of every row of a query, as text. */
    public static java.util.List<String> column(DataSource db, String sql, Object... args) {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            java.util.List<String> values = new java.util.ArrayList<>();
            try (var r = s.executeQuery()) {
                while (r.next()) {
                    values.add(r.getString(1));
                }
            }
            return values;
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** Any statement, for the states a test needs that no repository writes. */
    public static void update(DataSource db, String sql, Object... args) {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }
}
