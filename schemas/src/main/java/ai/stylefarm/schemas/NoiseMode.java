package ai.stylefarm.schemas;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** As NVIDIA's {@code --noise-mode}: stored buffers, noise seeded by each image's seed, or zeros. */
public enum NoiseMode {
    CONST, RANDOM, NONE;

    @JsonValue
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static NoiseMode of(String value) {
        return Wire.parse(NoiseMode.class, value);
    }
}
