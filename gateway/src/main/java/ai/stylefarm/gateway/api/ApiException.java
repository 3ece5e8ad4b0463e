package ai.stylefarm.gateway.api;

import java.util.List;

/** A request the API refuses, with the status, the field at fault and a message for the person who sent it. */
public class ApiException extends RuntimeException {
    private final int status;
    private final String title;
    private final String field;
    private final List<Problem.FieldError> errors;
    private Integer retryAfterSeconds;

    public ApiException(int status, String title, String field, String detail) {
        this(status, title, field, detail, null);
    }

    public ApiException(int status, String title, String field, String detail, List<Problem.FieldError> errors) {
        super(detail);
        this.status = status;
        this.title = title;
        this.field = field;
        this.errors = errors;
    }

    public static ApiException badRequest(String field, String detail) {
        return new ApiException(400, "Bad Request", field, detail);
    }

    public static ApiException invalid(String field, String detail) {
        return new ApiException(422, "Unprocessable Content", field, detail);
    }

    /** Several field errors at once; the first one is the headline. */
    public static ApiException invalid(List<Problem.FieldError> errors) {
        Problem.FieldError first = errors.get(0);
        String detail = errors.size() == 1 ? first.field() + ": " + first.message()
                : first.field() + ": " + first.message() + " (and " + (errors.size() - 1) + " more)";
        return new ApiException(422, "Unprocessable Content", first.field(), detail, List.copyOf(errors));
    }

    /** A resource named by the path parameter {@code id} that does not exist (or that the caller may not see). */
    public static ApiException notFound(String what) {
        return notFound("id", what);
    }

    public static ApiException notFound(String field, String what) {
        return new ApiException(404, "Not Found", field, what + " does not exist");
    }

    public static ApiException conflict(String field, String detail) {
        return new ApiException(409, "Conflict", field, detail);
    }

    public static ApiException tooLarge(String detail) {
        return new ApiException(413, "Content Too Large", "body", detail);
    }

    public static ApiException unauthorized(String detail) {
        return new ApiException(401, "Unauthorized", "Authorization", detail);
    }

    public static ApiException forbidden(String detail) {
        return new ApiException(403, "Forbidden", "Authorization", detail);
    }

    public static ApiException busy(String field, String detail, int retryAfterSeconds) {
        ApiException e = new ApiException(429, "Too Many Requests", field, detail);
        e.retryAfterSeconds = retryAfterSeconds;
        return e;
    }

    public Problem problem() {
        return new Problem("about:blank", title, status, getMessage(), field, errors);
    }

    public jakarta.ws.rs.core.Response toResponse() {
        jakarta.ws.rs.core.Response response = problem().toResponse();
        if (retryAfterSeconds != null) {
            response.getHeaders().putSingle("Retry-After", retryAfterSeconds.toString());
        }
        return response;
    }
}
