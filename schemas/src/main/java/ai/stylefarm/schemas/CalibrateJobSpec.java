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
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * The REST spec of a {@link JobKind#CALIBRATE} job: {@code positives} images the model renders from fresh seeds and
 * as many images it did not make (uploads or artifacts in {@code negatives}, or renders of {@code negative_model})
 * are all projected; the job computes the ROC and its AUC, and the distance threshold whose false-positive rate is
 * at most {@code fpr}, which it stores on the model for later project verdicts.
 *
 * @param negativeModelKey    the negative model's internal key (its bundle's place in the bucket), filled in by the
 *                            gateway from the id the tenant gave
 * @param negativeModelSha256 the negative model's bundle checksum, filled in by the gateway
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CalibrateJobSpec(int positives,
                               @JsonInclude(JsonInclude.Include.NON_EMPTY) List<ProjectTarget> negatives,
                               String negativeModel, String negativeModelKey, String negativeModelSha256, double fpr,
                               @JsonUnwrapped PositiveRenders renders,
                               @JsonUnwrapped ProjectionSettings settings) {
    public static final int DEFAULT_POSITIVES = 16;
    public static final int MAX_POSITIVES = 500;
    public static final double DEFAULT_FPR = 0.05;
    private static final List<String> FIELDS = ProjectionSettings.fieldsWith("positives", "negatives", "negative_model",
            "negative_model_key", "negative_model_sha256", "fpr", "positive_noise_modes", "positive_psi",
            "perturbations");

    public CalibrateJobSpec {
        negatives = negatives == null ? List.of() : List.copyOf(negatives);
        renders = renders == null ? PositiveRenders.DEFAULT : renders;
        Objects.requireNonNull(settings, "settings");
    }

    public static List<ValidationError> validate(JsonNode spec) {
        List<ValidationError> errors = new ArrayList<>();
        read(spec, errors);
        return errors;
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static CalibrateJobSpec parse(JsonNode spec) {
        List<ValidationError> errors = new ArrayList<>();
        CalibrateJobSpec parsed = read(spec, errors);
        if (!errors.isEmpty()) {
            throw new InvalidSpecException(errors);
        }
        return parsed;
    }

    /** What only the gateway can fill in; whatever a client sent for these fields is replaced. */
    public CalibrateJobSpec resolved(List<ProjectTarget> resolvedNegatives, String negativeKey, String negativeSha256) {
        return new CalibrateJobSpec(positives, resolvedNegatives, negativeModel, negativeKey, negativeSha256, fpr,
                renders, settings);
    }

    /** Negatives made by rendering another model: as many as positives. */
    public int negativeCount() {
        return negativeModel != null ? positives : negatives.size();
    }

    public int taskCount() {
        return positives + negativeCount();
    }

    /**
     * Fresh seeds for the positives, then for the negative model's renders: drawn from the job id, so re-planning
     * gives the same ones, and from the whole 32-bit range, so they are not the small seeds every demo renders.
     */
    public long[] freshSeeds(UUID jobId) {
        SplittableRandom random = new SplittableRandom(jobId.getMostSignificantBits() ^ jobId.getLeastSignificantBits());
        long[] seeds = new long[positives + (negativeModel != null ? negativeCount() : 0)];
        for (int i = 0; i < seeds.length; i++) {
            seeds[i] = random.nextLong(1L << 32);
        }
        return seeds;
    }

    /** How positive {@code index} is rendered: drawn from the job id, apart from the seeds' stream. */
    public ProjectTaskSpec.Render positiveRender(int index, UUID jobId) {
        SplittableRandom random = new SplittableRandom(~jobId.getMostSignificantBits() ^ jobId.getLeastSignificantBits());
        ProjectTaskSpec.Render render = null;
        for (int i = 0; i <= index; i++) {
            render = renders.forPositive(i, random);
        }
        return render;
    }

    /** Tasks 0 to positives − 1 are positives, the rest negatives. */
    public ProjectTaskSpec forTask(int index, UUID jobId) {
        long[] seeds = freshSeeds(jobId);
        ProjectTaskSpec.Target target;
        String label;
        if (index < positives) {
            target = ProjectTaskSpec.Target.seed(seeds[index], null, null, null, positiveRender(index, jobId));
            label = ProjectTaskSpec.POSITIVE;
        } else {
            int n = index - positives;
            target = negativeModel != null
                    ? ProjectTaskSpec.Target.seed(seeds[index],
                    negativeModelKey != null ? negativeModelKey : negativeModel, negativeModel, negativeModelSha256,
                    null)
                    : ProjectTaskSpec.Target.image(negatives.get(n).objectKey(), negatives.get(n).name());
            label = ProjectTaskSpec.NEGATIVE;
        }
        return ProjectTaskSpec.of(target, label, settings, false, null, jobId, index);
    }

    private static CalibrateJobSpec read(JsonNode spec, List<ValidationError> errors) {
        if (!SpecFields.object(spec, FIELDS, errors)) {
            return null;
        }
        Integer positives = SpecFields.bounded(spec, "positives", 2, MAX_POSITIVES, errors);
        JsonNode negativesNode = spec.get("negatives");
        JsonNode modelNode = spec.get("negative_model");
        List<ProjectTarget> negatives = List.of();
        String negativeModel = null;
        if (SpecFields.absent(negativesNode) == SpecFields.absent(modelNode)) {
            errors.add(new ValidationError("negatives", "give exactly one of negatives (images the model did not make)"
                    + " or negative_model (another model whose renders serve as negatives)"));
        } else if (!SpecFields.absent(negativesNode)) {
            negatives = ProjectJobSpec.targets(negativesNode, "negatives", MAX_POSITIVES, errors);
            if (negatives.size() < 2 && errors.isEmpty()) {
                errors.add(new ValidationError("negatives", "needs at least 2 images"));
            }
        } else if (!modelNode.isTextual() || modelNode.textValue().isBlank()) {
            errors.add(new ValidationError("negative_model", "must be a model id"));
        } else {
            negativeModel = modelNode.textValue();
        }
        JsonNode keyNode = spec.get("negative_model_key");
        String key = keyNode != null && keyNode.isTextual() ? keyNode.textValue() : null;
        JsonNode shaNode = spec.get("negative_model_sha256");
        String sha = shaNode != null && shaNode.isTextual() ? shaNode.textValue() : null;
        double fpr = DEFAULT_FPR;
        JsonNode fprNode = spec.get("fpr");
        if (!SpecFields.absent(fprNode)) {
            if (!fprNode.isNumber() || !(fprNode.doubleValue() >= 0) || !(fprNode.doubleValue() < 1)) {
                errors.add(new ValidationError("fpr", "must be a false-positive rate from 0 to below 1, e.g. 0.05"));
            } else {
                fpr = fprNode.doubleValue();
            }
        }
        PositiveRenders renders = PositiveRenders.read(spec, errors);
        ProjectionSettings settings = ProjectionSettings.read(spec, errors);
        return errors.isEmpty() ? new CalibrateJobSpec(positives == null ? DEFAULT_POSITIVES : positives, negatives,
                negativeModel, key, sha, fpr, renders, settings) : null;
    }
}
