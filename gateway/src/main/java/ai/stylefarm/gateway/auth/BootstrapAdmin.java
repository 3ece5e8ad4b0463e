package ai.stylefarm.gateway.auth;

import ai.stylefarm.domain.keys.ApiKeyRepository;
import ai.stylefarm.domain.keys.Role;
import ai.stylefarm.gateway.config.GatewayConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/** Registers the configured bootstrap admin key (and its tenant) at start, so a fresh farm can be used. */
@ApplicationScoped
public class BootstrapAdmin {
    private static final Logger LOG = Logger.getLogger(BootstrapAdmin.class);

    void onStart(@Observes StartupEvent event, GatewayConfig config, ApiKeyRepository keys) {
        if (config.bootstrap().adminKey().isEmpty()) {
            return;
        }
        String tenant = config.bootstrap().tenant();
        keys.registerOperatorKey(tenant, config.bootstrap().adminKey().get(), Role.ADMIN, "bootstrap");
        LOG.infof("Bootstrap admin key registered for tenant '%s'", tenant);
    }
}
