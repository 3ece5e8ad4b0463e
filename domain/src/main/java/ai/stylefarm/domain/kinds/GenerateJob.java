package ai.stylefarm.domain.kinds;

import ai.stylefarm.domain.models.ModelView;
import ai.stylefarm.schemas.GenerateJobSpec;
import ai.stylefarm.schemas.JobKind;
import ai.stylefarm.schemas.Layout;
import ai.stylefarm.schemas.ObjectKeys;
import ai.stylefarm.schemas.PlannedTask;
import ai.stylefarm.schemas.TaskKind;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Images of seeds, as files or webdataset shards: a task per chunk of seeds; a manifest and a dataset card. */
public final class GenerateJob implements JobType {
    static final GenerateJob INSTANCE = new GenerateJob();

    private GenerateJob() {
    }

    @Override
    public JobKind kind() {
        return JobKind.GENERATE;
    }

    @Override
    public Accepted accept(JsonNode spec, Submission s) {
        if (s.specProblems(GenerateJobSpec.validate(spec)) || s.model() == null) {
            return null;
        }
        GenerateJobSpec generate = GenerateJobSpec.parse(spec);
        ModelView model = s.model();
        s.checkClass(generate.classIdx());
        if (generate.truncationCutoff() != null && model.numWs() != null
                && generate.truncationCutoff() > model.numWs()) {
            s.error("spec.truncation_cutoff", "must be at most " + model.numWs() + ", the number of w vectors of"
                    + " model '" + model.id() + "'");
        }
        long images = generate.seeds().count();
        return new Accepted(Json.tree(generate), images, images, List.of());
    }

    @Override
    public String quotaField() {
        return "spec.seeds";
    }

    @Override
    public int taskCount(JsonNode spec, Planning planning) {
        GenerateJobSpec generate = GenerateJobSpec.parse(spec);
        return generate.seeds().chunkCount(generate.seedsPerTask(planning.seedsPerTask()));
    }

    @Override
    public List<PlannedTask> plan(UUID job, JsonNode spec, int from, int max, Planning planning) {
        GenerateJobSpec generate = GenerateJobSpec.parse(spec);
        String prefix = generate.layout() == Layout.FILES ? ObjectKeys.images(job) : ObjectKeys.shards(job);
        int size = generate.seedsPerTask(planning.seedsPerTask());
        int end = Math.min(generate.seeds().chunkCount(size), from + max);
        List<PlannedTask> tasks = new ArrayList<>(Math.max(0, end - from));
        for (int i = from; i < end; i++) {
            tasks.add(new PlannedTask(i, TaskKind.GENERATE,
                    Json.text(generate.forTask(generate.seeds().chunk(i, size), prefix, i))));
        }
        return tasks;
    }

    @Override
    public List<String> outputs() {
        return List.of("manifest", "dataset_card", "shard");
    }
}
