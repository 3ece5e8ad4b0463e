package ai.stylefarm.schemas;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Where an interpolation walks: in W (lerp or spline of mapped, truncated ws) or in Z (slerp, then map). */
public enum WalkSpace {
    W, Z;

    @JsonValue
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static WalkSpace of(String value) {
        return Wire.parse(WalkSpace.class, value);
    }
}
