package ai.stylefarm.schemas;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Objects;

/**
 * One slice of a generate job's seeds, with the job's rendering settings.
 *
 * @param outputPrefix where the outputs go, {@code jobs/{jobId}/images/} or {@code jobs/{jobId}/shards/}.
 *     With {@link Layout#FILES} each image is at {@link #keyFor}; with {@link Layout#WEBDATASET} the task writes
 *     one tar shard whose samples are keyed by seed.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GenerateTaskSpec(
        Seeds seeds,
        double truncationPsi,
        Integer truncationCutoff,
        Integer classIdx,
        NoiseMode noiseMode,
        ImageFormat format,
        Layout layout,
        String outputPrefix) implements TaskSpec {

    public GenerateTaskSpec {
        Objects.requireNonNull(seeds, "seeds");
        Objects.requireNonNull(noiseMode, "noiseMode");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(layout, "layout");
        Objects.requireNonNull(outputPrefix, "outputPrefix");
        if (!Double.isFinite(truncationPsi)) {
            throw new IllegalArgumentException("truncationPsi must be finite");
        }
    }

    @JsonIgnore
    @Override
    public TaskKind kind() {
        return TaskKind.GENERATE;
    }

    /** The deterministic object key of one image in the {@link Layout#FILES} layout. */
    /** {@code <prefix>seed%08d.<ext>}: zero-padded, so object listings sort in seed order. */
    public String keyFor(long seed) {
        return outputPrefix + String.format("seed%08d.", seed) + format.extension();
    }
}
