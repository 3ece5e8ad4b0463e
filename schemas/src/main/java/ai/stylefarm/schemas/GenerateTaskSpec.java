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
        String outputPrefix,
        Integer jpegQuality,
        Boolean includeLatents,
        int taskIndex) implements TaskSpec {

    /** Task 0 of a job, PNG or JPEG at the default quality, without latents. */
    public GenerateTaskSpec(Seeds seeds, double truncationPsi, Integer truncationCutoff, Integer classIdx,
                            NoiseMode noiseMode, ImageFormat format, Layout layout, String outputPrefix) {
        this(seeds, truncationPsi, truncationCutoff, classIdx, noiseMode, format, layout, outputPrefix,
                format == ImageFormat.JPEG ? GenerateJobSpec.DEFAULT_JPEG_QUALITY : null, null, 0);
    }

    public GenerateTaskSpec {
        Objects.requireNonNull(seeds, "seeds");
        Objects.requireNonNull(noiseMode, "noiseMode");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(layout, "layout");
        Objects.requireNonNull(outputPrefix, "outputPrefix");
        if (!Double.isFinite(truncationPsi)) {
            throw new IllegalArgumentException("truncationPsi must be finite");
        }
        if (taskIndex < 0) {
            throw new IllegalArgumentException("taskIndex must not be negative");
        }
    }

    /** Whether z and w go with every image (in the sample and the manifest). */
    @JsonIgnore
    public boolean latents() {
        return Boolean.TRUE.equals(includeLatents);
    }

    /** {@code <prefix>shard-%06d.tar}: this task's shard in the {@link Layout#WEBDATASET} layout. */
    @JsonIgnore
    public String shardKey() {
        return outputPrefix + String.format("shard-%06d.tar", taskIndex);
    }

    /** The name of one image inside a shard, and the webdataset key of its sample: {@code seed%08d}. */
    public static String sampleKey(long seed) {
        return String.format("seed%08d", seed);
    }

    @JsonIgnore
    @Override
    public TaskKind kind() {
        return TaskKind.GENERATE;
    }

    @JsonIgnore
    @Override
    public int itemCount() {
        return seeds.count();
    }

    @Override
    public String describe() {
        return "seeds " + seeds;
    }

    /** {@code <prefix>seed%08d.<ext>}, one image in the {@link Layout#FILES} layout: zero-padded, so listings sort by seed. */
    public String keyFor(long seed) {
        return outputPrefix + String.format("seed%08d.", seed) + format.extension();
    }
}
