package ai.stylefarm.domain.store;

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
