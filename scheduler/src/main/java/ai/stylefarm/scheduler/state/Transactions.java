package ai.stylefarm.scheduler.state;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/** Runs work in one database transaction: committed if it returns, rolled back if it throws. */
public final class Transactions {
    private Transactions() {
    }

    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws Exception;
    }

    /** The first column of every row of {@code sql} as ids: the scans that periodic duties start from. */
    public static java.util.List<java.util.UUID> ids(DataSource db, String sql, Object... args) {
        return inTransaction(db, c -> {
            java.util.List<java.util.UUID> ids = new java.util.ArrayList<>();
            try (java.sql.PreparedStatement s = c.prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) {
                    s.setObject(i + 1, args[i]);
                }
                try (java.sql.ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        ids.add(r.getObject(1, java.util.UUID.class));
                    }
                }
            }
            return ids;
        });
    }

    public static <T> T inTransaction(DataSource db, Work<T> work) {
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (Exception e) {
                c.rollback();
                throw e instanceof RuntimeException re ? re : new IllegalStateException(e.getMessage(), e);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("database: " + e.getMessage(), e);
        }
    }
}
