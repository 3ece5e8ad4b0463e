package ai.stylefarm.domain.kinds;

import ai.stylefarm.domain.models.ModelView;
import ai.stylefarm.schemas.CalibrateJobSpec;
import ai.stylefarm.schemas.JobKind;
import ai.stylefarm.schemas.PlannedTask;
import ai.stylefarm.schemas.ProjectTarget;
import ai.stylefarm.schemas.TaskKind;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The projection distances of images the model made and of images it did not, and the decision threshold at a
 * false-positive rate, stored on the model: a project task per image; a manifest and reports with the ROC.
 */
public final class CalibrateJob implements JobType {
    static final CalibrateJob INSTANCE = new CalibrateJob();

    private CalibrateJob() {
    }

    @Override
    public JobKind kind() {
        return JobKind.CALIBRATE;
    }

    @Override
    public Accepted accept(JsonNode spec, Submission s) {
        if (s.specProblems(CalibrateJobSpec.validate(spec)) || s.model() == null) {
            return null;
        }
        CalibrateJobSpec calibrate = CalibrateJobSpec.parse(spec);
        ModelView model = s.model();
        s.checkProjectable();
        if (!s.admin() && !s.tenant().equals(model.tenant())) {
            // The threshold is the model's, and every tenant's verdicts use it.
            s.error("model", "model '" + model.id() + "' is shared; only an admin can calibrate it");
        }
        List<UUID> uploads = new ArrayList<>();
        List<ProjectTarget> negatives = s.resolveTargets(calibrate.negatives(), "spec.negatives", uploads);
        String negativeKey = null;
        String negativeSha = null;
        if (calibrate.negativeModel() != null) {
            ModelView other = s.otherModel(calibrate.negativeModel()).orElse(null);
            if (other == null) {
                s.error("spec.negative_model", "unknown or unready model '" + calibrate.negativeModel()
                        + "'; GET /v1/models lists yours");
            } else if (other.key().equals(model.key())) {
                s.error("spec.negative_model", "must be another model than the one being calibrated");
            } else {
                negativeKey = other.key();
                negativeSha = other.bundleSha256();
            }
        }
        CalibrateJobSpec resolved = calibrate.resolved(negatives, negativeKey, negativeSha);
        return new Accepted(Json.tree(resolved), resolved.taskCount(), resolved.taskCount(), uploads);
    }

    @Override
    public String quotaField() {
        return "spec.positives";
    }

    @Override
    public int taskCount(JsonNode spec, Planning planning) {
        return CalibrateJobSpec.parse(spec).taskCount();
    }

    @Override
    public List<PlannedTask> plan(UUID job, JsonNode spec, int from, int max, Planning planning) {
        CalibrateJobSpec calibrate = CalibrateJobSpec.parse(spec);
        List<PlannedTask> tasks = new ArrayList<>();
        for (int i = from; i < Math.min(calibrate.taskCount(), from + max); i++) {
            tasks.add(new PlannedTask(i, TaskKind.PROJECT, Json.text(calibrate.forTask(i, job))));
        }
        return tasks;
    }

    @Override
    public List<String> outputs() {
        return List.of("manifest", "report");
    }
}
