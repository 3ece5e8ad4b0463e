package ai.stylefarm.domain;

/**
 * What the shared tables refuse, in words for the person who asked, and which of their inputs is at fault: the API
 * answers it as a problem, with the status that {@link Why} implies.
 */
public final class Refused extends RuntimeException {
    /** Why a request is refused. */
    public enum Why {
        /** It is not what it must be (a cursor this API never gave out). */
        MALFORMED,
        /** It names something that does not exist, or that the caller may not see. */
        NOT_FOUND,
        /** It conflicts with what exists (a taken id, a resource in use, a state that forbids it). */
        CONFLICT,
        /** It asks for more than a quota allows at once (too many images in one job). */
        OVER_QUOTA,
        /** A quota is used up for now (open jobs, models): it may succeed later. */
        QUOTA_FULL,
        /** It is well-formed but cannot be carried out (an input deleted meanwhile). */
        INVALID,
        /** The caller may not do this. */
        FORBIDDEN
    }

    private final Why why;
    private final String field;

    public Refused(Why why, String field, String detail) {
        super(detail);
        this.why = why;
        this.field = field;
    }

    public static Refused notFound(String field, String what) {
        return new Refused(Why.NOT_FOUND, field, what + " does not exist");
    }

    public static Refused conflict(String field, String detail) {
        return new Refused(Why.CONFLICT, field, detail);
    }

    public Why why() {
        return why;
    }

    public String field() {
        return field;
    }
}
