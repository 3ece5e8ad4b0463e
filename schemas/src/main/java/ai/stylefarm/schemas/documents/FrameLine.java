package ai.stylefarm.schemas.documents;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/** One frame of an interpolation video kept as its own image (when the job asked for frames). */
@JsonPropertyOrder({"frame", "key", "sha256", "bytes"})
public record FrameLine(long frame, String key, String sha256, Long bytes) implements ManifestLine {

    public FrameLine {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(bytes, "bytes");
    }
}
