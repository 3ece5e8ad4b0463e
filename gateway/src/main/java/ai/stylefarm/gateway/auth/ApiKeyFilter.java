package ai.stylefarm.gateway.auth;

import ai.stylefarm.domain.keys.ApiKeyRepository;
import ai.stylefarm.gateway.api.ApiException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Every {@code /v1} request carries {@code Authorization: Bearer <key>}. The resolved {@link Caller} travels as
 * a request property; health, metrics and OpenAPI under {@code /q} stay open for probes and scrapers.
 */
public class ApiKeyFilter {
    public static final String CALLER = "stylefarm.caller";

    private final ApiKeyRepository keys;

    public ApiKeyFilter(ApiKeyRepository keys) {
        this.keys = keys;
    }

    @ServerRequestFilter
    public void authenticate(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!path.startsWith("/v1")) {
            return;
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header == null || header.isBlank()) {
            throw ApiException.unauthorized("no API key: send the header 'Authorization: Bearer <key>'");
        }
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7) || header.substring(7).isBlank()) {
            throw ApiException.unauthorized("the Authorization header must be 'Bearer <key>'");
        }
        ApiKeyRepository.LiveKey key = keys.resolve(header.substring(7).strip())
                .orElseThrow(() -> ApiException.unauthorized("the API key is not valid, or was revoked"));
        if (key.tenantDisabled()) {
            throw ApiException.forbidden("tenant '" + key.tenant() + "' is disabled");
        }
        Caller caller = new Caller(key.id(), key.tenant(), key.role());
        request.setProperty(CALLER, caller);
    }
}
