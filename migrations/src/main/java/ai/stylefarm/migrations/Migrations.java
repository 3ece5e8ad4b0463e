package ai.stylefarm.migrations;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;

/**
 * Applies the StyleFarm schema. One service calls this at start; Flyway's advisory lock makes a concurrent
 * call from another process wait rather than race.
 */
public final class Migrations {
    /** Where the SQL lives, also for Quarkus: {@code quarkus.flyway.locations=db/migration}. */
    public static final String LOCATION = "classpath:db/migration";

    private Migrations() {
    }

    /** @return how many migrations were applied; 0 when the database was already current */
    public static int migrate(DataSource dataSource) {
        return flyway().dataSource(dataSource).load().migrate().migrationsExecuted;
    }

    /** @return how many migrations were applied; 0 when the database was already current */
    public static int migrate(String jdbcUrl, String user, String password) {
        return flyway().dataSource(jdbcUrl, user, password).load().migrate().migrationsExecuted;
    }

    private static FluentConfiguration flyway() {
        return Flyway.configure(Migrations.class.getClassLoader())
                .locations(LOCATION)
                // A misnamed file would otherwise be skipped without a word and its table silently missing.
                .validateMigrationNaming(true)
                .failOnMissingLocations(true);
    }
}
