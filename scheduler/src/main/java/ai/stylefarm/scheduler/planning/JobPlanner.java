package ai.stylefarm.scheduler.planning;

import ai.stylefarm.schemas.GenerateJobSpec;
import ai.stylefarm.schemas.GenerateTaskSpec;
import ai.stylefarm.schemas.JobKind;
import ai.stylefarm.schemas.Layout;
import ai.stylefarm.schemas.ObjectKeys;
import ai.stylefarm.schemas.Messages;
import ai.stylefarm.schemas.Seeds;
import ai.stylefarm.schemas.TaskKind;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Splits a job into tasks; the plan is a pure function of the job, so re-planning after a crash is identical. */
public final class JobPlanner {
    private final int seedsPerTask;

    public JobPlanner(int seedsPerTask) {
        if (seedsPerTask < 1) {
            throw new IllegalArgumentException("seeds per task must be at least 1, was " + seedsPerTask);
        }
        this.seedsPerTask = seedsPerTask;
    }

    /** One planned task: its kind and its spec as the JSON stored in {@code tasks.spec}. */
    public record PlannedTask(TaskKind kind, String specJson) {
    }

    /** @throws IllegalArgumentException for a kind this scheduler cannot plan, or a spec that does not parse */
    public List<PlannedTask> plan(UUID jobId, JobKind kind, JsonNode spec) {
        if (kind != JobKind.GENERATE) {
            throw new IllegalArgumentException("job kind '" + kind.value() + "' cannot be planned by this scheduler");
        }
        GenerateJobSpec generate = GenerateJobSpec.parse(spec);
        String prefix = generate.layout() == Layout.FILES ? ObjectKeys.images(jobId) : ObjectKeys.shards(jobId);
        List<PlannedTask> tasks = new ArrayList<>();
        for (Seeds chunk : generate.seeds().chunks(seedsPerTask)) {
            GenerateTaskSpec task = generate.forTask(chunk, prefix);
            tasks.add(new PlannedTask(TaskKind.GENERATE, json(task)));
        }
        return tasks;
    }

    private static String json(Object value) {
        try {
            return Messages.mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
