package ai.stylefarm.schemas;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

public enum ImageFormat {
    PNG("png"), JPEG("jpg");

    private final String extension;

    ImageFormat(String extension) {
        this.extension = extension;
    }

    @JsonValue
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** File name extension, without the dot. */
    public String extension() {
        return extension;
    }

    @JsonCreator
    public static ImageFormat of(String value) {
        return Wire.parse(ImageFormat.class, value);
    }
}
