package ai.stylefarm.gateway.auth;

import ai.stylefarm.gateway.config.GatewayConfig;
import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.jboss.logging.Logger;

/** Registers the configured bootstrap admin key (and its tenant) at start, so a fresh farm can be used. */
@ApplicationScoped
public class BootstrapAdmin {
    private static final Logger LOG = Logger.getLogger(BootstrapAdmin.class);

    void onStart(@Observes StartupEvent event, GatewayConfig config, AgroalDataSource db, ApiKeys keys)
            throws SQLException {
        if (config.bootstrap().adminKey().isEmpty()) {
            return;
        }
        String tenant = config.bootstrap().tenant();
        try (Connection c = db.getConnection()) {
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO tenants (id, name) VALUES (?, ?) ON CONFLICT (id) DO NOTHING")) {
                s.setString(1, tenant);
                s.setString(2, tenant);
                s.executeUpdate();
            }
            keys.register(c, tenant, config.bootstrap().adminKey().get(), Caller.Role.ADMIN, "bootstrap");
        }
        LOG.infof("Bootstrap admin key registered for tenant '%s'", tenant);
    }
}
