package ai.stylefarm.schemas;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** How generated images are stored: one object per image, or tar shards of samples (image plus JSON). */
public enum Layout {
    FILES, WEBDATASET;

    @JsonValue
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Layout of(String value) {
        return Wire.parse(Layout.class, value);
    }
}
