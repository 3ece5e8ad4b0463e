package ai.stylefarm.gateway.api;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every error leaves as problem+json: ours, the framework's (404 route, 405, 415), and the unforeseen. */
public final class ProblemMappers {
    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response api(ApiException e) {
        return e.problem().toResponse();
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        Response.Status known = Response.Status.fromStatusCode(status);
        String title = known != null ? known.getReasonPhrase() : "HTTP " + status;
        return new Problem("about:blank", title, status, e.getMessage(), null, null).toResponse();
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        LOG.error("Unhandled error", e);
        return new Problem("about:blank", "Internal Server Error", 500,
                "the gateway failed to handle this request; the error is in its log", null, null).toResponse();
    }
}
