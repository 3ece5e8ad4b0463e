package ai.stylefarm.schemas;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * The REST spec of a {@link JobKind#PROJECT} job: each target image is projected into the model's latent space on
 * its own task, and the job reports every target's distance and verdict.
 *
 * @param saveVideo also write {@code proj.mp4}: the target beside the synthesis, one frame per step
 * @param threshold distance at or below which a target counts as made by the model; the gateway fills in the
 *                  model's calibrated threshold when the request gives none, and null leaves verdicts
 *                  "uncalibrated"
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProjectJobSpec(List<ProjectTarget> targets, @JsonUnwrapped ProjectionSettings settings,
                             boolean saveVideo, Double threshold) {
    public static final int MAX_TARGETS = 1000;
    private static final List<String> FIELDS = ProjectionSettings.fieldsWith("targets", "save_video", "threshold");

    public ProjectJobSpec {
        targets = List.copyOf(targets);
        Objects.requireNonNull(settings, "settings");
    }

    public static List<ValidationError> validate(JsonNode spec) {
        List<ValidationError> errors = new ArrayList<>();
        read(spec, errors);
        return errors;
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static ProjectJobSpec parse(JsonNode spec) {
        List<ValidationError> errors = new ArrayList<>();
        ProjectJobSpec parsed = read(spec, errors);
        if (!errors.isEmpty()) {
            throw new InvalidSpecException(errors);
        }
        return parsed;
    }

    public ProjectJobSpec withTargets(List<ProjectTarget> resolved, Double calibrated) {
        return new ProjectJobSpec(resolved, settings, saveVideo, threshold != null ? threshold : calibrated);
    }

    /** Task {@code index} projects target {@code index}. */
    public ProjectTaskSpec forTask(int index, UUID jobId) {
        ProjectTarget t = targets.get(index);
        return ProjectTaskSpec.of(ProjectTaskSpec.Target.image(t.objectKey(), t.name()), null, settings, saveVideo,
                threshold, jobId, index);
    }

    private static ProjectJobSpec read(JsonNode spec, List<ValidationError> errors) {
        if (!SpecFields.object(spec, FIELDS, errors)) {
            return null;
        }
        List<ProjectTarget> targets = targets(spec.get("targets"), "targets", MAX_TARGETS, errors);
        ProjectionSettings settings = ProjectionSettings.read(spec, errors);
        Boolean video = SpecFields.flag(spec, "save_video", errors);
        Double threshold = threshold(spec.get("threshold"), errors);
        return errors.isEmpty() ? new ProjectJobSpec(targets, settings, video != null && video, threshold) : null;
    }

    static List<ProjectTarget> targets(JsonNode node, String field, int max, List<ValidationError> errors) {
        if (node == null || !node.isArray() || node.isEmpty() || node.size() > max) {
            errors.add(new ValidationError(field, "must be a list of 1 to " + max
                    + " targets, each {\"upload\": id} or {\"job\": id, \"key\": artifact key}"));
            return List.of();
        }
        List<ProjectTarget> targets = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            ProjectTarget t = ProjectTarget.read(node.get(i), field + "[" + i + "]", errors);
            if (t != null) {
                targets.add(t);
            }
        }
        return targets;
    }

    /**
     * The detection distance is the projected latent's distance from w_avg in w_std (a model's own images land
     * around 1, others 2 to 4) plus twice a residual share: a threshold of 100 already calls every image the
     * model's.
     */
    static final double MAX_THRESHOLD = 100;

    private static Double threshold(JsonNode node, List<ValidationError> errors) {
        if (SpecFields.absent(node)) {
            return null;
        }
        if (!node.isNumber() || !(node.doubleValue() > 0) || !(node.doubleValue() <= MAX_THRESHOLD)) {
            errors.add(new ValidationError("threshold", "must be a detection distance above 0 and at most "
                    + (int) MAX_THRESHOLD + " (the model's own images land around 1, others at 2 to 4)"));
            return null;
        }
        return node.doubleValue();
    }
}
