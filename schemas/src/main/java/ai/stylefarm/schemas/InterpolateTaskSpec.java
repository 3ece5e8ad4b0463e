package ai.stylefarm.schemas;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Objects;

/**
 * Frames {@code [firstFrame, firstFrame + frameCount)} of an interpolation video, encoded as one H.264 segment
 * at {@code segmentKey} (and, with {@code framesPrefix}, each frame as a PNG there). Every task carries all the
 * keyframes, because a cubic walk's every frame depends on all of them.
 *
 * @param walk the curve ({@code kind} in the job's spec; here {@code kind} is the task's kind)
 * @param keyframes seeds, or object keys of stored ws ({@code .npy} or NVIDIA's {@code projected_w.npz})
 * @param scale integer magnification of the frames in the video; null lets the worker pick from the frame size
 *              (the same for every segment, as it depends only on the model and grid)
 * @param totalFrames frames in the whole video, so the worker can check its range
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InterpolateTaskSpec(
        List<TaskKeyframe> keyframes,
        WalkSpace space,
        WalkKind walk,
        int framesPerKeyframe,
        boolean loop,
        int fps,
        int gridWidth,
        int gridHeight,
        double truncationPsi,
        Integer classIdx,
        NoiseMode noiseMode,
        int crf,
        String preset,
        Integer scale,
        long firstFrame,
        int frameCount,
        long totalFrames,
        String segmentKey,
        String framesPrefix,
        int taskIndex) implements TaskSpec {

    /** A seed, or the object key of a stored w. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TaskKeyframe(Long seed, String wKey) {
        public TaskKeyframe {
            if ((seed == null) == (wKey == null)) {
                throw new IllegalArgumentException("a keyframe is a seed or a w key, exactly one");
            }
        }
    }

    public InterpolateTaskSpec {
        keyframes = List.copyOf(keyframes);
        Objects.requireNonNull(space, "space");
        Objects.requireNonNull(walk, "walk");
        Objects.requireNonNull(noiseMode, "noiseMode");
        Objects.requireNonNull(preset, "preset");
        Objects.requireNonNull(segmentKey, "segmentKey");
    }

    @JsonIgnore
    @Override
    public TaskKind kind() {
        return TaskKind.INTERPOLATE;
    }

    @JsonIgnore
    @Override
    public int itemCount() {
        return frameCount;
    }

    @Override
    public String describe() {
        return "frames " + firstFrame + "-" + (firstFrame + frameCount - 1);
    }

    /** {@code frame%06d.png} under {@link #framesPrefix()}. */
    public String frameKey(long frame) {
        return framesPrefix + String.format("frame%06d.png", frame);
    }
}
