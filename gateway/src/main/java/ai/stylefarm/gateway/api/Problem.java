package ai.stylefarm.gateway.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/**
 * An RFC 9457 {@code application/problem+json} body. {@code field} names the offending input (a JSON path
 * such as {@code spec.seeds}, a header or a query parameter); {@code errors} lists every problem when there
 * are several.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String field, List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public Problem {
        detail = ai.stylefarm.schemas.LocalPaths.hide(detail);
    }

    public record FieldError(String field, String message) {
    }

    /** A client's text as a detail may quote it: at most 64 characters. */
    public static String quote(String text) {
        return text.length() <= 64 ? text : text.substring(0, 64) + "…";
    }

    public Response toResponse() {
        return Response.status(status).type(MediaType.valueOf(MEDIA_TYPE)).entity(this).build();
    }
}
