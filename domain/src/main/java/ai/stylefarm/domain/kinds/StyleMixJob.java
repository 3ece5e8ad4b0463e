package ai.stylefarm.domain.kinds;

import ai.stylefarm.domain.models.ModelView;
import ai.stylefarm.schemas.JobKind;
import ai.stylefarm.schemas.ObjectKeys;
import ai.stylefarm.schemas.PlannedTask;
import ai.stylefarm.schemas.StyleMixJobSpec;
import ai.stylefarm.schemas.TaskKind;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** A style-mixing grid as style_mixing.py draws it: a task per few rows; a manifest and the grid. */
public final class StyleMixJob implements JobType {
    static final StyleMixJob INSTANCE = new StyleMixJob();

    private StyleMixJob() {
    }

    @Override
    public JobKind kind() {
        return JobKind.STYLE_MIX;
    }

    @Override
    public Accepted accept(JsonNode spec, Submission s) {
        if (s.specProblems(StyleMixJobSpec.validate(spec)) || s.model() == null) {
            return null;
        }
        StyleMixJobSpec mix = StyleMixJobSpec.parse(spec);
        ModelView model = s.model();
        s.checkClass(mix.classIdx());
        int numWs = model.numWs() == null ? Integer.MAX_VALUE : model.numWs();
        mix.styles().stream().filter(l -> l >= numWs).findFirst().ifPresent(l -> s.error("spec.styles", "layer " + l
                + " is out of range: model '" + model.id() + "' has " + numWs + " layers (0 to " + (numWs - 1) + ")"));
        return new Accepted(Json.tree(mix), mix.imageCount(), mix.imageCount(), List.of());
    }

    @Override
    public String quotaField() {
        return "spec.row_seeds";
    }

    @Override
    public int taskCount(JsonNode spec, Planning planning) {
        return StyleMixJobSpec.parse(spec).taskCount();
    }

    @Override
    public List<PlannedTask> plan(UUID job, JsonNode spec, int from, int max, Planning planning) {
        StyleMixJobSpec mix = StyleMixJobSpec.parse(spec);
        List<PlannedTask> tasks = new ArrayList<>();
        for (int i = from; i < Math.min(mix.taskCount(), from + max); i++) {
            tasks.add(new PlannedTask(i, TaskKind.STYLE_MIX, Json.text(mix.forTask(i, ObjectKeys.styleMix(job)))));
        }
        return tasks;
    }

    @Override
    public List<String> outputs() {
        return List.of("manifest", "grid");
    }
}
