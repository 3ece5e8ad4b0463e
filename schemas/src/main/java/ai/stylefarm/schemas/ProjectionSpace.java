package ai.stylefarm.schemas;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What a projection optimises: one w shared by every layer ({@code w}), or one per layer ({@code w_plus}). */
public enum ProjectionSpace {
    W, W_PLUS;

    @JsonValue
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static ProjectionSpace of(String value) {
        return Wire.parse(ProjectionSpace.class, value);
    }
}
