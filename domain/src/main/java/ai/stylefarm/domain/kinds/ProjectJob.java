package ai.stylefarm.domain.kinds;

import ai.stylefarm.schemas.JobKind;
import ai.stylefarm.schemas.PlannedTask;
import ai.stylefarm.schemas.ProjectJobSpec;
import ai.stylefarm.schemas.ProjectTarget;
import ai.stylefarm.schemas.TaskKind;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Projections of images into the model's latent space, with a verdict once the model is calibrated: a task per
 * target (a projection is a thousand sequential steps, so targets are the parallelism); a manifest and reports.
 */
public final class ProjectJob implements JobType {
    static final ProjectJob INSTANCE = new ProjectJob();

    private ProjectJob() {
    }

    @Override
    public JobKind kind() {
        return JobKind.PROJECT;
    }

    @Override
    public Accepted accept(JsonNode spec, Submission s) {
        if (s.specProblems(ProjectJobSpec.validate(spec)) || s.model() == null) {
            return null;
        }
        ProjectJobSpec project = ProjectJobSpec.parse(spec);
        s.checkProjectable();
        List<UUID> uploads = new ArrayList<>();
        List<ProjectTarget> targets = s.resolveTargets(project.targets(), "spec.targets", uploads);
        ProjectJobSpec resolved = project.withTargets(targets, s.model().projectionThreshold());
        return new Accepted(Json.tree(resolved), targets.size(), targets.size(), uploads);
    }

    @Override
    public String quotaField() {
        return "spec.targets";
    }

    @Override
    public int taskCount(JsonNode spec, Planning planning) {
        return ProjectJobSpec.parse(spec).targets().size();
    }

    @Override
    public List<PlannedTask> plan(UUID job, JsonNode spec, int from, int max, Planning planning) {
        ProjectJobSpec project = ProjectJobSpec.parse(spec);
        List<PlannedTask> tasks = new ArrayList<>();
        for (int i = from; i < Math.min(project.targets().size(), from + max); i++) {
            tasks.add(new PlannedTask(i, TaskKind.PROJECT, Json.text(project.forTask(i, job))));
        }
        return tasks;
    }

    @Override
    public List<String> outputs() {
        return List.of("manifest", "report");
    }
}
