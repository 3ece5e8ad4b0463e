package ai.stylefarm.scheduler.planning;

import ai.stylefarm.schemas.CalibrateJobSpec;
import ai.stylefarm.schemas.GenerateJobSpec;
import ai.stylefarm.schemas.InterpolateJobSpec;
import ai.stylefarm.schemas.JobKind;
import ai.stylefarm.schemas.Keyframe;
import ai.stylefarm.schemas.Layout;
import ai.stylefarm.schemas.Messages;
import ai.stylefarm.schemas.ObjectKeys;
import ai.stylefarm.schemas.PlannedTask;
import ai.stylefarm.schemas.ProjectJobSpec;
import ai.stylefarm.schemas.StyleMixJobSpec;
import ai.stylefarm.schemas.TaskKind;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Splits a job into tasks, a window at a time: task {@code i} is a pure function of the job and {@code i}, so
 * planning can stop and resume anywhere (a 10M-seed job is never held in memory whole), and re-planning after a
 * crash yields the same tasks.
 */
public final class JobPlanner {
    private final int seedsPerTask;
    private final int framesPerTask;

    public JobPlanner(int seedsPerTask, int framesPerTask) {
        if (seedsPerTask < 1 || framesPerTask < 1) {
            throw new IllegalArgumentException("seeds and frames per task must be at least 1, were " + seedsPerTask
                    + " and " + framesPerTask);
        }
        this.seedsPerTask = seedsPerTask;
        this.framesPerTask = framesPerTask;
    }


    /** @throws IllegalArgumentException for a kind this scheduler cannot plan, or a spec that does not parse */
    public int taskCount(JobKind kind, JsonNode spec) {
        if (kind == JobKind.STYLE_MIX) {
            return StyleMixJobSpec.parse(spec).taskCount();
        }
        if (kind == JobKind.INTERPOLATE) {
            return InterpolateJobSpec.parse(spec).taskCount(framesPerTask);
        }
        if (kind == JobKind.PROJECT) {
            return ProjectJobSpec.parse(spec).targets().size();
        }
        if (kind == JobKind.CALIBRATE) {
            return CalibrateJobSpec.parse(spec).taskCount();
        }
        GenerateJobSpec generate = generate(kind, spec);
        return generate.seeds().chunkCount(generate.seedsPerTask(seedsPerTask));
    }

    /** Tasks {@code from} to {@code from + max - 1}, or fewer at the end of the job. */
    public List<PlannedTask> plan(UUID jobId, JobKind kind, JsonNode spec, int from, int max) {
        if (kind == JobKind.STYLE_MIX) {
            StyleMixJobSpec mix = StyleMixJobSpec.parse(spec);
            List<PlannedTask> tasks = new ArrayList<>();
            for (int i = from; i < Math.min(mix.taskCount(), from + max); i++) {
                tasks.add(new PlannedTask(i, TaskKind.STYLE_MIX, json(mix.forTask(i, ObjectKeys.styleMix(jobId)))));
            }
            return tasks;
        }
        if (kind == JobKind.INTERPOLATE) {
            InterpolateJobSpec video = InterpolateJobSpec.parse(spec);
            List<String> keys = keyframeKeys(jobId, video);
            List<PlannedTask> tasks = new ArrayList<>();
            for (int i = from; i < Math.min(video.taskCount(framesPerTask), from + max); i++) {
                tasks.add(new PlannedTask(i, TaskKind.INTERPOLATE, json(video.forTask(i, framesPerTask, jobId, keys))));
            }
            return tasks;
        }
        if (kind == JobKind.PROJECT || kind == JobKind.CALIBRATE) {
            // One task per target: a projection is a thousand sequential steps, so targets are the parallelism.
            ProjectJobSpec project = kind == JobKind.PROJECT ? ProjectJobSpec.parse(spec) : null;
            CalibrateJobSpec calibrate = kind == JobKind.CALIBRATE ? CalibrateJobSpec.parse(spec) : null;
            int count = project != null ? project.targets().size() : calibrate.taskCount();
            List<PlannedTask> tasks = new ArrayList<>();
            for (int i = from; i < Math.min(count, from + max); i++) {
                tasks.add(new PlannedTask(i, TaskKind.PROJECT,
                        json(project != null ? project.forTask(i, jobId) : calibrate.forTask(i, jobId))));
            }
            return tasks;
        }
        GenerateJobSpec generate = generate(kind, spec);
        String prefix = generate.layout() == Layout.FILES ? ObjectKeys.images(jobId) : ObjectKeys.shards(jobId);
        int size = generate.seedsPerTask(seedsPerTask);
        int end = Math.min(generate.seeds().chunkCount(size), from + max);
        List<PlannedTask> tasks = new ArrayList<>(Math.max(0, end - from));
        for (int i = from; i < end; i++) {
            tasks.add(new PlannedTask(i, TaskKind.GENERATE,
                    json(generate.forTask(generate.seeds().chunk(i, size), prefix, i))));
        }
        return tasks;
    }

    /**
     * Where each keyframe's w is read from: an inline w at {@link ObjectKeys#keyframe} (stored by {@link JobIntake}),
     * a projection's {@code projected_w.npz}; null for a seed.
     */
    static List<String> keyframeKeys(UUID jobId, InterpolateJobSpec spec) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < spec.keyframes().size(); i++) {
            Keyframe k = spec.keyframes().get(i);
            keys.add(k.isSeed() ? null : k.w() != null ? ObjectKeys.keyframe(jobId, i)
                    : ObjectKeys.projectedW(k.projection(), k.target()));
        }
        return keys;
    }

    private static GenerateJobSpec generate(JobKind kind, JsonNode spec) {
        if (kind != JobKind.GENERATE) {
            throw new IllegalArgumentException("job kind '" + kind.value() + "' cannot be planned by this scheduler");
        }
        return GenerateJobSpec.parse(spec);
    }

    private static String json(Object value) {
        try {
            return Messages.mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
