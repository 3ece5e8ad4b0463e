package ai.stylefarm.schemas;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Objects;
import java.util.UUID;

/**
 * One target of a project or calibrate job, projected by one worker; everything it writes is under
 * {@code outputPrefix} ({@code jobs/{job}/projections/%06d/}).
 *
 * @param label     for calibration: {@code positive} (the model made it) or {@code negative}; null for projection
 * @param threshold the distance threshold of the verdict; null means uncalibrated
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProjectTaskSpec(
        Target target,
        String label,
        int steps,
        ProjectionSpace space,
        boolean optimizeNoise,
        long seed,
        boolean saveVideo,
        Double threshold,
        String outputPrefix,
        int taskIndex) implements TaskSpec {
    public static final String POSITIVE = "positive";
    public static final String NEGATIVE = "negative";

    /**
     * The image to project: a stored PNG/JPEG at {@code key}, or what a model renders for {@code seed} (by default
     * ψ 1, constant noise, as generate.py; else as {@code render} says): the task's own model, or {@code modelId}
     * at {@code modelSha256}.
     *
     * @param name      how reports call the target
     * @param modelName the other model's id as its owner named it, for reports
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Target(String key, String name, Long seed, String modelId, String modelName, String modelSha256,
                         Render render) {
        public Target {
            if ((key == null) == (seed == null)) {
                throw new IllegalArgumentException("a target is an image key or a seed, exactly one");
            }
            if ((modelId == null) != (modelSha256 == null)) {
                throw new IllegalArgumentException("a target's model needs both its id and its sha256");
            }
            if (render != null && seed == null) {
                throw new IllegalArgumentException("only a seed target is rendered");
            }
        }

        public static Target image(String key, String name) {
            return new Target(key, name != null ? name : key, null, null, null, null, null);
        }

        /**
         * A render of the task's own model ({@code modelId} null), or of another at {@code modelSha256};
         * {@code render} null is generate.py's default.
         */
        public static Target seed(long seed, String modelId, String modelName, String modelSha256, Render render) {
            String model = modelName != null ? modelName : modelId;
            String how = render == null ? "" : " (" + render.describe() + ")";
            return new Target(null, (model != null ? model + " " : "") + "seed " + seed + how, seed, modelId,
                    modelName, modelSha256, render);
        }

        /** How a seed target is rendered, ψ 1 and constant noise unless it says otherwise. */
        public Render renderOrDefault() {
            return render != null ? render : Render.DEFAULT;
        }
    }

    /**
     * How a seed target is made: the noise mode and ψ of the render, then what happens to the image on its way
     * into the wild ({@link Perturbation}).
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Render(NoiseMode noiseMode, double psi, Perturbation perturbation) {
        public static final Render DEFAULT = new Render(NoiseMode.CONST, 1, Perturbation.NONE);

        public Render {
            Objects.requireNonNull(noiseMode, "noiseMode");
            Objects.requireNonNull(perturbation, "perturbation");
        }

        /** "random noise, ψ 0.7, jpeg80": how reports group calibration positives. */
        public String describe() {
            return noiseMode.value() + " noise, ψ " + psi + ", " + perturbation;
        }

        /** The noise mode and perturbation without ψ, the variant a calibration reports its AUC for. */
        public String variant() {
            return noiseMode.value() + " · " + perturbation;
        }
    }

    public ProjectTaskSpec {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(space, "space");
        Objects.requireNonNull(outputPrefix, "outputPrefix");
    }

    static ProjectTaskSpec of(Target target, String label, ProjectionSettings settings, boolean saveVideo,
                              Double threshold, UUID jobId, int index) {
        return new ProjectTaskSpec(target, label, settings.steps(), settings.space(), settings.optimizeNoise(),
                settings.seed(), saveVideo, threshold, ObjectKeys.projection(jobId, index), index);
    }

    @JsonIgnore
    @Override
    public TaskKind kind() {
        return TaskKind.PROJECT;
    }

    @JsonIgnore
    @Override
    public int itemCount() {
        return 1;
    }

    @Override
    public String describe() {
        return "target " + taskIndex + (target.name() == null ? "" : " (" + target.name() + ")");
    }

    /** A file of this target (such as {@link ObjectKeys#PROJECTED_W}) under its prefix. */
    public String key(String file) {
        return outputPrefix + file;
    }
}
