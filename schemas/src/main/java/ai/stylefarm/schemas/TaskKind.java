package ai.stylefarm.schemas;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * What one task renders; each has its {@link TaskSpec} and a place in the task schema. Calibration runs as
 * {@link #PROJECT} tasks.
 */
public enum TaskKind {
    GENERATE(GenerateTaskSpec.class),
    STYLE_MIX(StyleMixTaskSpec.class),
    INTERPOLATE(InterpolateTaskSpec.class),
    PROJECT(ProjectTaskSpec.class);

    private final Class<? extends TaskSpec> specType;

    TaskKind(Class<? extends TaskSpec> specType) {
        this.specType = specType;
    }

    /** The record its spec reads into. */
    public Class<? extends TaskSpec> specType() {
        return specType;
    }

    /** A stored task spec, read as this kind's record. */
    public TaskSpec readSpec(String json) throws java.io.IOException {
        return Messages.mapper().readValue(json, specType);
    }

    @JsonValue
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static TaskKind of(String value) {
        return Wire.parse(TaskKind.class, value);
    }
}
