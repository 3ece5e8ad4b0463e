package ai.stylefarm.domain.testing;

import ai.stylefarm.migrations.Migrations;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * One real PostgreSQL per test JVM, migrated once into a template; each {@link #fresh()} database is a copy of it,
 * made in milliseconds, so test classes never see each other's rows.
 */
public final class TestDatabase {
    private static final String TEMPLATE = "farm_template";
    private static final AtomicInteger NEXT = new AtomicInteger();
    private static EmbeddedPostgres postgres;

    private TestDatabase() {
    }

    /** A new, migrated, empty database. */
    public static synchronized DataSource fresh() {
        try {
            if (postgres == null) {
                postgres = EmbeddedPostgres.builder().start();
                Runtime.getRuntime().addShutdownHook(new Thread(TestDatabase::stop));
                execute("CREATE DATABASE " + TEMPLATE);
                Migrations.migrate(postgres.getDatabase("postgres", TEMPLATE));
            }
            String name = "farm_" + NEXT.incrementAndGet();
            execute("CREATE DATABASE " + name + " TEMPLATE " + TEMPLATE);
            return postgres.getDatabase("postgres", name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void execute(String sql) throws SQLException {
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static void stop() {
        try {
            postgres.close();
        } catch (IOException e) {
            // The JVM is exiting; the server's directory is a temporary one.
        }
    }
}
