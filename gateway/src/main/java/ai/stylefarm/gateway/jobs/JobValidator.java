package ai.stylefarm.gateway.jobs;

import ai.stylefarm.domain.jobs.JobRepository;
import ai.stylefarm.domain.jobs.JobView;
import ai.stylefarm.domain.jobs.NewJob;
import ai.stylefarm.domain.models.ModelRepository;
import ai.stylefarm.domain.models.ModelView;
import ai.stylefarm.domain.uploads.UploadRepository;
import ai.stylefarm.gateway.api.ApiException;
import ai.stylefarm.gateway.api.Problem;
import ai.stylefarm.modelkit.bundle.ModelBundle;
import ai.stylefarm.schemas.CalibrateJobSpec;
import ai.stylefarm.schemas.GenerateJobSpec;
import ai.stylefarm.schemas.InterpolateJobSpec;
import ai.stylefarm.schemas.JobKind;
import ai.stylefarm.schemas.JobMessage;
import ai.stylefarm.schemas.JobState;
import ai.stylefarm.schemas.Keyframe;
import ai.stylefarm.schemas.Messages;
import ai.stylefarm.schemas.ObjectKeys;
import ai.stylefarm.schemas.ProjectJobSpec;
import ai.stylefarm.schemas.ProjectTarget;
import ai.stylefarm.schemas.StyleMixJobSpec;
import ai.stylefarm.schemas.ValidationError;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Checks a {@code POST /v1/jobs} body completely before anything is stored, and collects every problem with the
 * field it concerns: the envelope ({@code kind}, {@code model}, {@code priority}), the kind's spec (via its
 * record in the schemas module) and what only the model can answer (class index, truncation cutoff).
 */
@ApplicationScoped
public class JobValidator {
    private static final Set<String> ENVELOPE = Set.of("kind", "model", "priority", "spec");

    private final ModelRepository models;
    private final JobRepository jobs;
    private final UploadRepository uploads;

    public JobValidator(ModelRepository models, JobRepository jobs, UploadRepository uploads) {
        this.models = models;
        this.jobs = jobs;
        this.uploads = uploads;
    }

    /** @param admin whether the caller is an admin, who alone may calibrate a shared model */
    public NewJob validate(JsonNode body, String tenant, boolean admin, String idempotencyKey) {
        List<Problem.FieldError> errors = new ArrayList<>();
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!ENVELOPE.contains(name)) {
                errors.add(new Problem.FieldError(name, "unknown field; a job has kind, model, priority and spec"));
            }
        }
        JobKind kind = kind(body.get("kind"), errors);
        int priority = priority(body.get("priority"), errors);
        ModelView model = model(body.get("model"), tenant, errors);
        JsonNode spec = body.get("spec");
        ObjectNode normalised = null;
        long items = 0;
        long outputs = 0;
        List<java.util.UUID> uploadsRead = new ArrayList<>();
        if (spec == null || !spec.isObject()) {
            errors.add(new Problem.FieldError("spec", "is required and must be a JSON object"));
        } else if (kind == JobKind.STYLE_MIX) {
            List<ValidationError> specErrors = StyleMixJobSpec.validate(spec);
            specErrors.forEach(e -> errors.add(new Problem.FieldError("spec." + e.field(), e.message())));
            if (specErrors.isEmpty()) {
                StyleMixJobSpec mix = StyleMixJobSpec.parse(spec);
                if (model != null) {
                    checkClass(mix.classIdx(), model, errors);
                    int numWs = model.numWs() == null ? Integer.MAX_VALUE : model.numWs();
                    mix.styles().stream().filter(l -> l >= numWs).findFirst().ifPresent(l -> errors.add(
                            new Problem.FieldError("spec.styles", "layer " + l + " is out of range: model '" + model.id()
                                    + "' has " + numWs + " layers (0 to " + (numWs - 1) + ")")));
                }
                normalised = Messages.mapper().valueToTree(mix);
                items = mix.imageCount();
            }
        } else if (kind == JobKind.INTERPOLATE) {
            List<ValidationError> specErrors = InterpolateJobSpec.validate(spec);
            specErrors.forEach(e -> errors.add(new Problem.FieldError("spec." + e.field(), e.message())));
            if (specErrors.isEmpty()) {
                InterpolateJobSpec video = InterpolateJobSpec.parse(spec);
                if (model != null) {
                    checkClass(video.classIdx(), model, errors);
                    checkKeyframes(video, model, tenant, errors);
                }
                normalised = Messages.mapper().valueToTree(video);
                items = video.imageCount();
                outputs = video.frameCount();
            }
        } else if (kind == JobKind.PROJECT) {
            List<ValidationError> specErrors = ProjectJobSpec.validate(spec);
            specErrors.forEach(e -> errors.add(new Problem.FieldError("spec." + e.field(), e.message())));
            if (specErrors.isEmpty() && model != null) {
                ProjectJobSpec project = ProjectJobSpec.parse(spec);
                checkProjectable(model, errors);
                List<ProjectTarget> targets = resolveTargets(project.targets(), "spec.targets", tenant, errors);
                targets.stream().map(ProjectTarget::upload).filter(java.util.Objects::nonNull).forEach(uploadsRead::add);
                ProjectJobSpec resolved = project.withTargets(targets, model.projectionThreshold());
                normalised = Messages.mapper().valueToTree(resolved);
                items = targets.size();
            }
        } else if (kind == JobKind.CALIBRATE) {
            List<ValidationError> specErrors = CalibrateJobSpec.validate(spec);
            specErrors.forEach(e -> errors.add(new Problem.FieldError("spec." + e.field(), e.message())));
            if (specErrors.isEmpty() && model != null) {
                CalibrateJobSpec calibrate = CalibrateJobSpec.parse(spec);
                checkProjectable(model, errors);
                if (!admin && !tenant.equals(model.tenant())) {
                    // The threshold is the model's, and every tenant's verdicts use it.
                    errors.add(new Problem.FieldError("model", "model '" + model.id() + "' is shared; only an admin"
                            + " can calibrate it"));
                }
                List<ProjectTarget> negatives = resolveTargets(calibrate.negatives(), "spec.negatives", tenant, errors);
                negatives.stream().map(ProjectTarget::upload).filter(java.util.Objects::nonNull).forEach(uploadsRead::add);
                String negativeKey = null;
                String negativeSha = null;
                if (calibrate.negativeModel() != null) {
                    ModelView other = models.find(calibrate.negativeModel(), tenant).orElse(null);
                    if (other == null || !other.isReady()) {
                        errors.add(new Problem.FieldError("spec.negative_model", "unknown or unready model '"
                                + calibrate.negativeModel() + "'; GET /v1/models lists yours"));
                    } else if (other.key().equals(model.key())) {
                        errors.add(new Problem.FieldError("spec.negative_model", "must be another model than the"
                                + " one being calibrated"));
                    } else {
                        negativeKey = other.key();
                        negativeSha = other.bundleSha256();
                    }
                }
                CalibrateJobSpec resolved = calibrate.resolved(negatives, negativeKey, negativeSha);
                normalised = Messages.mapper().valueToTree(resolved);
                items = resolved.taskCount();
            }
        } else if (kind == JobKind.GENERATE) {
            List<ValidationError> specErrors = GenerateJobSpec.validate(spec);
            specErrors.forEach(e -> errors.add(new Problem.FieldError("spec." + e.field(), e.message())));
            if (specErrors.isEmpty()) {
                GenerateJobSpec generate = GenerateJobSpec.parse(spec);
                if (model != null) {
                    checkAgainstModel(generate, model, errors);
                }
                normalised = Messages.mapper().valueToTree(generate);
                items = generate.seeds().count();
            }
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
        return new NewJob(tenant, kind, model.id(), model.key(), priority, normalised, items,
                kind == JobKind.INTERPOLATE ? outputs : items, uploadsRead, idempotencyKey);
    }

    private static JobKind kind(JsonNode node, List<Problem.FieldError> errors) {
        if (node == null || node.isNull()) {
            errors.add(new Problem.FieldError("kind", "is required, e.g. \"generate\""));
            return null;
        }
        JobKind kind;
        try {
            kind = JobKind.of(node.isTextual() ? node.textValue() : node.toString());
        } catch (IllegalArgumentException e) {
            errors.add(new Problem.FieldError("kind", e.getMessage()));
            return null;
        }
        return kind;
    }

    /** Named priorities, for people; numbers 0 to 9 work too. */
    static final java.util.Map<String, Integer> PRIORITY_NAMES = java.util.Map.of("interactive", 8, "normal",
            JobMessage.DEFAULT_PRIORITY, "bulk", 2);

    /** A priority by name or number; problems are added to {@code errors}. */
    public static int priority(JsonNode node, List<Problem.FieldError> errors) {
        if (node == null || node.isNull()) {
            return JobMessage.DEFAULT_PRIORITY;
        }
        if (node.isTextual()) {
            Integer named = PRIORITY_NAMES.get(node.textValue());
            if (named == null) {
                errors.add(new Problem.FieldError("priority", "must be interactive, normal, bulk, or an integer from "
                        + JobMessage.MIN_PRIORITY + " to " + JobMessage.MAX_PRIORITY));
                return JobMessage.DEFAULT_PRIORITY;
            }
            return named;
        }
        // Compared as the exact integer: 2^70 must not wrap to a valid priority.
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < JobMessage.MIN_PRIORITY
                || node.intValue() > JobMessage.MAX_PRIORITY) {
            errors.add(new Problem.FieldError("priority", "must be interactive, normal, bulk, or an integer from "
                    + JobMessage.MIN_PRIORITY + " to " + JobMessage.MAX_PRIORITY + " (higher runs first)"));
            return JobMessage.DEFAULT_PRIORITY;
        }
        return node.intValue();
    }

    private ModelView model(JsonNode node, String tenant, List<Problem.FieldError> errors) {
        if (node == null || !node.isTextual() || node.textValue().isBlank()) {
            errors.add(new Problem.FieldError("model", "is required: the id of a registered model (GET /v1/models)"));
            return null;
        }
        String id = node.textValue();
        ModelView model = id.length() > 64 ? null : models.find(id, tenant).orElse(null);
        if (model == null) {
            errors.add(new Problem.FieldError("model", "unknown model '" + Problem.quote(id)
                    + "'; GET /v1/models lists yours"));
            return null;
        }
        if (!model.isReady()) {
            errors.add(new Problem.FieldError("model", "model '" + id + "' is " + model.state() + ", not READY"));
            return null;
        }
        return model;
    }

    private static void checkClass(Integer classIdx, ModelView model, List<Problem.FieldError> errors) {
        int cDim = model.cDim() == null ? 0 : model.cDim();
        if (cDim == 0 && classIdx != null) {
            errors.add(new Problem.FieldError("spec.class_idx", "model '" + model.id()
                    + "' is unconditional; leave class_idx out"));
        } else if (cDim > 0 && classIdx == null) {
            errors.add(new Problem.FieldError("spec.class_idx", "model '" + model.id() + "' is conditional with "
                    + cDim + " classes; class_idx is required (0 to " + (cDim - 1) + ")"));
        } else if (cDim > 0 && classIdx >= cDim) {
            errors.add(new Problem.FieldError("spec.class_idx", "class " + classIdx + " is out of range: model '"
                    + model.id() + "' has " + cDim + " classes (0 to " + (cDim - 1) + ")"));
        }
    }

    /**
     * Inline ws must fit the model ([w_dim] or [num_ws][w_dim]); a projection keyframe must name a finished
     * projection job of the same tenant and model (another tenant's job is reported as not existing).
     */
    private void checkKeyframes(InterpolateJobSpec spec, ModelView model, String tenant,
                                List<Problem.FieldError> errors) {
        for (int i = 0; i < spec.keyframes().size(); i++) {
            Keyframe k = spec.keyframes().get(i);
            String field = "spec.keyframes[" + i + "]";
            if (k.w() != null && model.wDim() != null && model.numWs() != null) {
                int rows = k.w().length;
                int cols = k.w()[0].length;
                if (cols != model.wDim() || (rows != 1 && rows != model.numWs())) {
                    errors.add(new Problem.FieldError(field, "w is [" + rows + "][" + cols + "]; model '" + model.id()
                            + "' takes [" + model.wDim() + "] or [" + model.numWs() + "][" + model.wDim() + "]"));
                }
            }
            if (k.projection() != null) {
                JobView job = jobs.find(k.projection()).filter(j -> j.tenant().equals(tenant)).orElse(null);
                if (job == null) {
                    errors.add(new Problem.FieldError(field, "projection job " + k.projection() + " does not exist"));
                } else if (!JobKind.PROJECT.value().equals(job.kind())) {
                    errors.add(new Problem.FieldError(field, "job " + k.projection() + " is a " + job.kind()
                            + " job, not a projection"));
                } else if (!JobState.SUCCEEDED.name().equals(job.state())) {
                    errors.add(new Problem.FieldError(field, "projection job " + k.projection() + " is " + job.state()
                            + "; only a finished (SUCCEEDED) projection has a projected w"));
                } else if (!job.modelKey().equals(model.key())) {
                    errors.add(new Problem.FieldError(field, "projection job " + k.projection() + " projected into model '"
                            + job.model() + "', not '" + model.id() + "': its w means nothing to another model"));
                }
            }
        }
    }

    /**
     * projector.py maps z without a class, so it projects into unconditional models only; and the bundle must carry
     * its step graph (bundles registered before projection existed do not: register the upgraded bundle anew).
     */
    private void checkProjectable(ModelView model, List<Problem.FieldError> errors) {
        if (model.cDim() != null && model.cDim() > 0) {
            errors.add(new Problem.FieldError("model", "model '" + model.id() + "' is conditional; projection needs an"
                    + " unconditional model"));
        } else if (!models.hasFile(model.key(), ModelBundle.PROJECTION_STEP)) {
            errors.add(new Problem.FieldError("model", "model '" + model.id() + "' was registered without "
                    + ModelBundle.PROJECTION_STEP + "; run ./farm models upgrade on its bundle and register it again"));
        }
    }

    /**
     * Uploads must be this tenant's, and become their object key and file name; an artifact must belong to one of
     * this tenant's jobs (another tenant's is reported as not existing).
     */
    private List<ProjectTarget> resolveTargets(List<ProjectTarget> targets, String field, String tenant,
                                               List<Problem.FieldError> errors) {
        List<ProjectTarget> resolved = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            ProjectTarget t = targets.get(i);
            String at = field + "[" + i + "]";
            if (t.upload() != null) {
                UploadRepository.UploadView upload = uploads.find(t.upload()).filter(u -> u.tenant().equals(tenant))
                        .orElse(null);
                if (upload == null) {
                    errors.add(new Problem.FieldError(at + ".upload", "upload " + t.upload() + " does not exist;"
                            + " POST /v1/uploads first"));
                    continue;
                }
                resolved.add(t.resolved(ObjectKeys.upload(tenant, upload.id()), ProjectTarget.displayName(upload.filename())));
            } else {
                JobView job = jobs.find(t.job()).filter(j -> j.tenant().equals(tenant)).orElse(null);
                if (job == null) {
                    errors.add(new Problem.FieldError(at + ".job", "job " + t.job() + " does not exist"));
                    continue;
                }
                if (!jobs.hasArtifact(job.id(), t.key())) {
                    errors.add(new Problem.FieldError(at + ".key", "job " + t.job() + " has no output "
                            + Problem.quote(t.key()) + (job.outputsDeletedAt() != null ? "; its outputs were deleted"
                            + " at " + job.outputsDeletedAt() + " by the retention period" : "")));
                    continue;
                }
                resolved.add(t);
            }
        }
        return resolved;
    }

    private static void checkAgainstModel(GenerateJobSpec spec, ModelView model, List<Problem.FieldError> errors) {
        checkClass(spec.classIdx(), model, errors);
        if (spec.truncationCutoff() != null && model.numWs() != null && spec.truncationCutoff() > model.numWs()) {
            errors.add(new Problem.FieldError("spec.truncation_cutoff", "must be at most " + model.numWs()
                    + ", the number of w vectors of model '" + model.id() + "'"));
        }
    }
}
