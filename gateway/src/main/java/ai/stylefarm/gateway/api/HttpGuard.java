package ai.stylefarm.gateway.api;

import ai.stylefarm.gateway.config.GatewayConfig;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * The first and last word on every HTTP request, below JAX-RS: a request line or headers too large, a path or query
 * that is not well-formed or carries control characters, are refused here with a problem naming what is wrong; and a
 * failure that escapes the resources (a truncated multipart body, say) still leaves as a problem, never as the
 * framework's own error page.
 *
 * <p>The HTTP codec's own limits ({@code quarkus.http.limits}) are set far above these, because what the codec
 * refuses gets a bare status line that no handler of ours can shape (Quarkus offers no hook for Vert.x's invalid
 * request handler). A request between our limit and the codec's costs only its own bytes in memory.
 */
@ApplicationScoped
public class HttpGuard {
    private static final Logger LOG = Logger.getLogger(HttpGuard.class);
    private static final ObjectMapper JSON = new ObjectMapper().setSerializationInclusion(JsonInclude.Include.NON_NULL);

    /** Longest request target (path and query). */
    static final int MAX_URI_CHARS = 8192;
    /** Largest header, and largest sum of all headers (names and values). */
    static final int MAX_HEADER_CHARS = 8192;
    static final int MAX_HEADERS_CHARS = 16384;
    /** What a multipart form adds to an upload's bytes: boundaries and part headers. */
    static final long MULTIPART_FRAMING = 64 * 1024;

    private final GatewayConfig.Api limits;

    public HttpGuard(GatewayConfig config) {
        this.limits = config.api();
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(this::check).failureHandler(this::failed);
        // The router refuses some targets (a path it cannot decode) before any route runs; this shapes that answer.
        router.errorHandler(400, this::failed);
    }

    private void check(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        Problem problem = refusal(request.uri(), request.headers());
        if (problem == null) {
            problem = bodyRefusal(request);
        }
        if (problem != null) {
            send(ctx, problem);
            return;
        }
        ctx.next();
    }

    /**
     * A body is refused by its declared length before a byte of it is read: a model file may be as large as
     * {@code api.max-model-bytes} (and streams to disk, counted), an image upload {@code api.max-upload-bytes} plus
     * its multipart framing, anything else {@code api.max-json-bytes}. Only a model may come without a length
     * (chunked); everything else must say how long it is.
     */
    private Problem bodyRefusal(HttpServerRequest request) {
        String declared = request.getHeader("Content-Length");
        boolean chunked = request.getHeader("Transfer-Encoding") != null;
        String path = RequestTarget.pathOf(request.uri());
        boolean model = path.equals("/v1/models");
        long limit = model ? limits.maxModelBytes() : path.equals("/v1/uploads")
                ? limits.maxUploadBytes() + MULTIPART_FRAMING : limits.maxJsonBytes();
        if (declared == null) {
            return chunked && !model ? new Problem("about:blank", "Length Required", 411, "send the body with a"
                    + " Content-Length: only model files may be sent in chunks", "Content-Length", null) : null;
        }
        long length;
        try {
            length = Long.parseLong(declared.strip());
        } catch (NumberFormatException e) {
            length = -1;
        }
        if (length < 0) {
            return new Problem("about:blank", "Bad Request", 400, "Content-Length must be a number of bytes",
                    "Content-Length", null);
        }
        if (length > limit && path.equals("/v1/uploads")) {
            return new Problem("about:blank", "Content Too Large", 413, "the upload is " + length + " bytes, over the"
                    + " limit of " + limits.maxUploadBytes() + " (api.max-upload-bytes) for an image and "
                    + MULTIPART_FRAMING + " for its multipart form", "file", null);
        }
        if (length > limit) {
            return new Problem("about:blank", "Content Too Large", 413, "the body is " + length + " bytes, over the"
                    + " limit of " + limit + (model ? " (api.max-model-bytes)" : " (api.max-json-bytes)"), "body", null);
        }
        return null;
    }

    /** Why a request is refused before it is routed; null when it may go on. */
    static Problem refusal(String uri, Iterable<Map.Entry<String, String>> headers) {
        if (uri.length() > MAX_URI_CHARS) {
            return new Problem("about:blank", "URI Too Long", 414, "the request target is " + uri.length()
                    + " characters, over the limit of " + MAX_URI_CHARS, "url", null);
        }
        int total = 0;
        for (Map.Entry<String, String> header : headers) {
            int size = header.getKey().length() + header.getValue().length();
            total += size;
            if (size > MAX_HEADER_CHARS) {
                return headerProblem(header.getKey(), "is " + size + " characters, over the limit of " + MAX_HEADER_CHARS);
            }
            if (InputText.firstUnsafe(header.getValue()) >= 0) {
                return new Problem("about:blank", "Bad Request", 400, "header " + header.getKey()
                        + " holds a control character", header.getKey(), null);
            }
        }
        if (total > MAX_HEADERS_CHARS) {
            return headerProblem("headers", "add up to " + total + " characters, over the limit of " + MAX_HEADERS_CHARS);
        }
        return RequestTarget.refusal(uri);
    }

    private static Problem headerProblem(String field, String detail) {
        return new Problem("about:blank", "Request Header Fields Too Large", 431,
                ("headers".equals(field) ? "the request headers " : "header " + field + " ") + detail, field, null);
    }

    /** A failure that no resource turned into a problem: the framework's parsing, mostly. */
    private void failed(RoutingContext ctx) {
        if (ctx.response().headWritten()) {
            return;
        }
        Throwable failure = ctx.failure();
        int status = ctx.statusCode() >= 400 ? ctx.statusCode() : 500;
        Problem problem;
        if (failure != null && isBrokenBody(failure)) {
            problem = new Problem("about:blank", "Bad Request", 400, "the request body could not be read: it is"
                    + " truncated or malformed", "body", null);
        } else if (status == 413) {
            problem = new Problem("about:blank", "Content Too Large", 413, "the request body is too large", "body", null);
        } else if (status < 500) {
            problem = new Problem("about:blank", reason(status), status, "the request was refused: " + reason(status),
                    "request", null);
        } else {
            LOG.error("Unhandled failure of " + ctx.request().method() + " " + RequestTarget.pathOf(ctx.request().uri()),
                    failure);
            problem = new Problem("about:blank", "Internal Server Error", 500,
                    "the gateway failed to handle this request; the error is in its log", null, null);
        }
        send(ctx, problem);
    }

    /** Body and form decoding fail with these when a body ends early or is not what its type says. */
    private static boolean isBrokenBody(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof java.io.IOException || t instanceof io.netty.handler.codec.DecoderException) {
                return true;
            }
        }
        return false;
    }

    private static String reason(int status) {
        io.netty.handler.codec.http.HttpResponseStatus known = io.netty.handler.codec.http.HttpResponseStatus.valueOf(status);
        return known.reasonPhrase();
    }

    private static void send(RoutingContext ctx, Problem problem) {
        String body;
        try {
            body = JSON.writeValueAsString(problem);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        ctx.response().setStatusCode(problem.status()).putHeader("Content-Type", Problem.MEDIA_TYPE);
        if (problem.status() == 414 || problem.status() == 431) {
            // The rest of such a request is not worth reading.
            ctx.response().putHeader("Connection", "close");
        }
        ctx.response().end(body);
    }
}
