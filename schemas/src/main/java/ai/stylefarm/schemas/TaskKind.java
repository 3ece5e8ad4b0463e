package ai.stylefarm.schemas;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * What one task renders; each has its {@link TaskSpec} and a place in the task schema. Calibration runs as
 * {@link #PROJECT} tasks.
 */
public enum TaskKind {
    GENERATE, STYLE_MIX, INTERPOLATE, PROJECT;

    @JsonValue
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static TaskKind of(String value) {
        return Wire.parse(TaskKind.class, value);
    }
}
