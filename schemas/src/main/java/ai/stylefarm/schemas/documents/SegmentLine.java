package ai.stylefarm.schemas.documents;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Objects;

/** One task's stretch of an interpolation video: frames {@code first_frame} to {@code first_frame + frames - 1}. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonPropertyOrder({"segment", "first_frame", "frames", "key", "sha256", "bytes"})
public record SegmentLine(int segment, long firstFrame, long frames, String key, String sha256, Long bytes)
        implements ManifestLine {

    public SegmentLine {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(bytes, "bytes");
    }
}
