package ai.stylefarm.schemas;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What a job does. The wire value (JSON and the {@code jobs.kind} column) is the lower-case name. */
public enum JobKind {
    GENERATE, STYLE_MIX, INTERPOLATE, PROJECT, CALIBRATE;

    @JsonValue
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException naming the accepted values */
    @JsonCreator
    public static JobKind of(String value) {
        return Wire.parse(JobKind.class, value);
    }
}
