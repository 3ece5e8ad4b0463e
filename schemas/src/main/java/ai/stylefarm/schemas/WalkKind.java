package ai.stylefarm.schemas;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The curve between keyframes: straight (slerp in Z), or gen_video.py's cubic spline. */
public enum WalkKind {
    LINEAR, CUBIC;

    @JsonValue
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static WalkKind of(String value) {
        return Wire.parse(WalkKind.class, value);
    }
}
