package ai.stylefarm.gateway.api;

import ai.stylefarm.domain.Refused;
import ai.stylefarm.domain.storage.Bucket;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every error leaves as problem+json: ours, the framework's (404 route, 405, 415), and the unforeseen. */
public final class ProblemMappers {
    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response api(ApiException e) {
        return e.toResponse();
    }

    /** What the shared tables refuse, with the status its reason implies. */
    @ServerExceptionMapper
    public Response refused(Refused e) {
        int status = switch (e.why()) {
            case MALFORMED -> 400;
            case FORBIDDEN -> 403;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case OVER_QUOTA, INVALID -> 422;
            case QUOTA_FULL -> 429;
        };
        String title = switch (e.why()) {
            case MALFORMED -> "Bad Request";
            case FORBIDDEN -> "Forbidden";
            case NOT_FOUND -> "Not Found";
            case CONFLICT -> "Conflict";
            case INVALID -> "Unprocessable Content";
            case OVER_QUOTA, QUOTA_FULL -> "Quota Exceeded";
        };
        return new Problem("about:blank", title, status, e.getMessage(), e.field(), null).toResponse();
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        Response.Status known = Response.Status.fromStatusCode(status);
        String title = known != null ? known.getReasonPhrase() : "HTTP " + status;
        return new Problem("about:blank", title, status, e.getMessage(), fieldOf(status), null).toResponse();
    }

    /** What the framework's own refusals concern: the route, the method, the body's type, the answer's type. */
    private static String fieldOf(int status) {
        return switch (status) {
            case 404 -> "path";
            case 405 -> "method";
            case 406 -> "Accept";
            case 415 -> "Content-Type";
            default -> null;
        };
    }

    /**
     * The framework reading a request body that ends early or is malformed (a truncated multipart upload): the
     * client's fault. The gateway's own I/O never reaches here as an IOException: it is wrapped where it happens.
     */
    @ServerExceptionMapper
    public Response unreadableBody(java.io.IOException e) {
        return new Problem("about:blank", "Bad Request", 400, "the request body could not be read: "
                + e.getMessage(), "body", null).toResponse();
    }

    /** Object storage unreachable or refusing: the request may succeed later, which a 503 tells clients and proxies. */
    @ServerExceptionMapper
    public Response storage(Bucket.StorageException e) {
        LOG.warn("Object storage failed: " + e.getMessage(), e);
        Response response = new Problem("about:blank", "Service Unavailable", 503, "object storage did not answer;"
                + " try again shortly", null, null).toResponse();
        response.getHeaders().putSingle("Retry-After", "10");
        return response;
    }

    /** Anything else, checked exceptions included: logged in full here, never shown to the client. */
    @ServerExceptionMapper
    public Response unexpected(Exception e) {
        LOG.error("Unhandled error", e);
        return new Problem("about:blank", "Internal Server Error", 500,
                "the gateway failed to handle this request; the error is in its log", null, null).toResponse();
    }
}
