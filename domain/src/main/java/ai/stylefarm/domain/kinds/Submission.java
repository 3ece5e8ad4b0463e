package ai.stylefarm.domain.kinds;

import ai.stylefarm.domain.jobs.JobRepository;
import ai.stylefarm.domain.jobs.JobView;
import ai.stylefarm.domain.models.ModelRepository;
import ai.stylefarm.domain.models.ModelView;
import ai.stylefarm.domain.uploads.UploadRepository;
import ai.stylefarm.schemas.ObjectKeys;
import ai.stylefarm.schemas.ProjectTarget;
import ai.stylefarm.schemas.ValidationError;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * One submission being checked: who sends it, the model it names, what it may refer to (only its own tenant's
 * uploads and jobs; another tenant's are reported as not existing), and every problem found so far.
 */
public final class Submission {
    /** The graph a bundle needs for projection; bundles registered before projection existed lack it. */
    public static final String PROJECTION_STEP = "projection_step.onnx";

    private final String tenant;
    private final boolean admin;
    private final ModelView model;
    private final ModelRepository models;
    private final UploadRepository uploads;
    private final JobRepository jobs;
    private final List<ValidationError> errors = new ArrayList<>();

    /** @param model the model the job names, or null when it is unknown (a problem reported already) */
    public Submission(String tenant, boolean admin, ModelView model, ModelRepository models, UploadRepository uploads,
                      JobRepository jobs) {
        this.tenant = tenant;
        this.admin = admin;
        this.model = model;
        this.models = models;
        this.uploads = uploads;
        this.jobs = jobs;
    }

    public String tenant() {
        return tenant;
    }

    /** Whether an admin sends it: only admins calibrate a shared model. */
    public boolean admin() {
        return admin;
    }

    /** Null when the model is unknown or not ready. */
    public ModelView model() {
        return model;
    }

    public List<ValidationError> errors() {
        return List.copyOf(errors);
    }

    public void error(String field, String message) {
        errors.add(new ValidationError(field, message));
    }

    /** Adds a spec record's own problems under {@code spec.}; true when there were any. */
    boolean specProblems(List<ValidationError> problems) {
        problems.forEach(p -> error("spec." + p.field(), p.message()));
        return !problems.isEmpty();
    }

    /** A class index must fit the model: none for an unconditional one, 0 to c_dim − 1 for a conditional one. */
    void checkClass(Integer classIdx) {
        int cDim = model.cDim() == null ? 0 : model.cDim();
        if (cDim == 0 && classIdx != null) {
            error("spec.class_idx", "model '" + model.id() + "' is unconditional; leave class_idx out");
        } else if (cDim > 0 && classIdx == null) {
            error("spec.class_idx", "model '" + model.id() + "' is conditional with " + cDim + " classes; class_idx"
                    + " is required (0 to " + (cDim - 1) + ")");
        } else if (cDim > 0 && classIdx >= cDim) {
            error("spec.class_idx", "class " + classIdx + " is out of range: model '" + model.id() + "' has " + cDim
                    + " classes (0 to " + (cDim - 1) + ")");
        }
    }

    /**
     * projector.py maps z without a class, so it projects into unconditional models only; and the bundle must carry
     * its step graph (bundles registered before projection existed do not: register the upgraded bundle anew).
     */
    void checkProjectable() {
        if (model.cDim() != null && model.cDim() > 0) {
            error("model", "model '" + model.id() + "' is conditional; projection needs an unconditional model");
        } else if (!models.hasFile(model.key(), PROJECTION_STEP)) {
            error("model", "model '" + model.id() + "' was registered without " + PROJECTION_STEP + "; run ./farm"
                    + " models upgrade on its bundle and register it again");
        }
    }

    /** Another ready model of this tenant's (or a shared one) by the id its owner gave it. */
    Optional<ModelView> otherModel(String id) {
        return models.find(id, tenant).filter(ModelView::isReady);
    }

    /** One of this tenant's jobs. */
    Optional<JobView> job(UUID id) {
        return jobs.find(id).filter(j -> j.tenant().equals(tenant));
    }

    /**
     * Uploads must be this tenant's, and become their object key and file name; an artifact must belong to one of
     * this tenant's jobs. {@code uploadsRead} receives every upload the targets read.
     */
    List<ProjectTarget> resolveTargets(List<ProjectTarget> targets, String field, List<UUID> uploadsRead) {
        List<ProjectTarget> resolved = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            ProjectTarget t = targets.get(i);
            String at = field + "[" + i + "]";
            if (t.upload() != null) {
                UploadRepository.UploadView upload = uploads.find(t.upload()).filter(u -> u.tenant().equals(tenant))
                        .orElse(null);
                if (upload == null) {
                    error(at + ".upload", "upload " + t.upload() + " does not exist; POST /v1/uploads first");
                    continue;
                }
                uploadsRead.add(upload.id());
                resolved.add(t.resolved(ObjectKeys.upload(tenant, upload.id()),
                        ProjectTarget.displayName(upload.filename())));
            } else {
                JobView job = job(t.job()).orElse(null);
                if (job == null) {
                    error(at + ".job", "job " + t.job() + " does not exist");
                    continue;
                }
                if (!jobs.hasArtifact(job.id(), t.key())) {
                    error(at + ".key", "job " + t.job() + " has no output " + quote(t.key())
                            + (job.outputsDeletedAt() != null ? "; its outputs were deleted at " + job.outputsDeletedAt()
                            + " by the retention period" : ""));
                    continue;
                }
                resolved.add(t);
            }
        }
        return resolved;
    }

    /** Client text echoed in a message: at most 64 characters. */
    private static String quote(String text) {
        return text.length() <= 64 ? text : text.substring(0, 64) + "…";
    }
}
