package ai.stylefarm.domain.jobs;

import java.util.regex.Pattern;

/**
 * Which jobs a listing shows; every field null means no condition on it.
 *
 * @param tenant   the owner; null for every tenant (admins)
 * @param state    a {@code JobState} name
 * @param kind     a {@code JobKind} value
 * @param model    the model's id as its owner named it
 * @param idPrefix the start of the job's id, as the dashboard and the CLI show it (8 characters)
 */
public record JobFilter(String tenant, String state, String kind, String model, String idPrefix) {
    /** Hex digits and dashes only, so that a prefix is a LIKE pattern with no wildcard of the caller's. */
    public static final Pattern ID_PREFIX = Pattern.compile("[0-9a-fA-F-]{1,36}");

    public JobFilter {
        if (idPrefix != null && !ID_PREFIX.matcher(idPrefix).matches()) {
            throw new IllegalArgumentException("id_prefix must be 1 to 36 hex digits or dashes");
        }
    }

    public static JobFilter tenant(String tenant) {
        return new JobFilter(tenant, null, null, null, null);
    }

    public JobFilter withIdPrefix(String prefix) {
        return new JobFilter(tenant, state, kind, model, prefix);
    }
}
