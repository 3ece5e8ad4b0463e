package ai.stylefarm.gateway.api;

/**
 * Query parameters are taken as text and read here, so that {@code limit=abc} gets a 400 naming {@code limit}
 * (JAX-RS answers a parameter it cannot convert with a bare 404).
 */
public final class QueryParams {
    private QueryParams() {
    }

    /** {@code true}/{@code false} (or absent: false). */
    public static boolean flag(String name, String value) {
        if (value == null || value.isEmpty()) {
            return false;
        }
        return switch (value) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw ApiException.badRequest(name, "must be true or false, not '" + Problem.quote(value) + "'");
        };
    }

    /** An integer from {@code min} to {@code max}, or {@code fallback} when absent. */
    public static int integer(String name, String value, int min, int max, int fallback) {
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        long parsed;
        try {
            parsed = Long.parseLong(value);
        } catch (NumberFormatException e) {
            parsed = Long.MIN_VALUE;
        }
        if (parsed < min || parsed > max) {
            throw ApiException.badRequest(name, "must be an integer from " + min + " to " + max + ", not '"
                    + Problem.quote(value) + "'");
        }
        return (int) parsed;
    }
}
