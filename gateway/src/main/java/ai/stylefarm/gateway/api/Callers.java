package ai.stylefarm.gateway.api;

import ai.stylefarm.gateway.auth.ApiKeyFilter;
import ai.stylefarm.gateway.auth.Caller;
import jakarta.ws.rs.container.ContainerRequestContext;

/** The authenticated caller of a request, as {@link ApiKeyFilter} left it. */
final class Callers {
    private Callers() {
    }

    static Caller of(ContainerRequestContext request) {
        Object caller = request.getProperty(ApiKeyFilter.CALLER);
        if (!(caller instanceof Caller c)) {
            throw ApiException.unauthorized("no API key");
        }
        return c;
    }

    static Caller admin(ContainerRequestContext request) {
        Caller caller = of(request);
        if (!caller.isAdmin()) {
            throw ApiException.forbidden("this needs an admin key");
        }
        return caller;
    }
}
