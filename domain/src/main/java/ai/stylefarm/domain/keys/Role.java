package ai.stylefarm.domain.keys;

import java.util.Locale;

/** What an API key may do: a user works within its tenant; an admin runs the farm. */
public enum Role {
    USER, ADMIN;

    /** As stored in {@code api_keys.role} and shown in the API. */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Role of(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
