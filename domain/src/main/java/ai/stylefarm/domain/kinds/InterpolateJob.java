package ai.stylefarm.domain.kinds;

import ai.stylefarm.domain.jobs.JobView;
import ai.stylefarm.domain.models.ModelView;
import ai.stylefarm.schemas.InterpolateJobSpec;
import ai.stylefarm.schemas.JobKind;
import ai.stylefarm.schemas.JobState;
import ai.stylefarm.schemas.Keyframe;
import ai.stylefarm.schemas.ObjectKeys;
import ai.stylefarm.schemas.PlannedTask;
import ai.stylefarm.schemas.TaskKind;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** A latent-walk video: a task per H.264 segment of frames; the joined video. */
public final class InterpolateJob implements JobType {
    static final InterpolateJob INSTANCE = new InterpolateJob();

    private InterpolateJob() {
    }

    @Override
    public JobKind kind() {
        return JobKind.INTERPOLATE;
    }

    @Override
    public Accepted accept(JsonNode spec, Submission s) {
        if (s.specProblems(InterpolateJobSpec.validate(spec)) || s.model() == null) {
            return null;
        }
        InterpolateJobSpec video = InterpolateJobSpec.parse(spec);
        s.checkClass(video.classIdx());
        checkKeyframes(video, s);
        return new Accepted(Json.tree(video), video.imageCount(), video.frameCount(), List.of());
    }

    /**
     * Inline ws must fit the model ([w_dim] or [num_ws][w_dim]); a projection keyframe must name a finished
     * projection job of the same tenant and model.
     */
    private static void checkKeyframes(InterpolateJobSpec spec, Submission s) {
        ModelView model = s.model();
        for (int i = 0; i < spec.keyframes().size(); i++) {
            Keyframe k = spec.keyframes().get(i);
            String field = "spec.keyframes[" + i + "]";
            if (k.w() != null && model.wDim() != null && model.numWs() != null) {
                int rows = k.w().length;
                int cols = k.w()[0].length;
                if (cols != model.wDim() || (rows != 1 && rows != model.numWs())) {
                    s.error(field, "w is [" + rows + "][" + cols + "]; model '" + model.id() + "' takes ["
                            + model.wDim() + "] or [" + model.numWs() + "][" + model.wDim() + "]");
                }
            }
            if (k.projection() != null) {
                JobView job = s.job(k.projection()).orElse(null);
                if (job == null) {
                    s.error(field, "projection job " + k.projection() + " does not exist");
                } else if (!JobKind.PROJECT.value().equals(job.kind())) {
                    s.error(field, "job " + k.projection() + " is a " + job.kind() + " job, not a projection");
                } else if (!JobState.SUCCEEDED.name().equals(job.state())) {
                    s.error(field, "projection job " + k.projection() + " is " + job.state() + "; only a finished"
                            + " (SUCCEEDED) projection has a projected w");
                } else if (!job.modelKey().equals(model.key())) {
                    s.error(field, "projection job " + k.projection() + " projected into model '" + job.model()
                            + "', not '" + model.id() + "': its w means nothing to another model");
                }
            }
        }
    }

    @Override
    public String quotaField() {
        return "spec.frames_per_keyframe";
    }

    @Override
    public int taskCount(JsonNode spec, Planning planning) {
        return InterpolateJobSpec.parse(spec).taskCount(planning.framesPerTask());
    }

    @Override
    public List<PlannedTask> plan(UUID job, JsonNode spec, int from, int max, Planning planning) {
        InterpolateJobSpec video = InterpolateJobSpec.parse(spec);
        List<String> keys = keyframeKeys(job, video);
        List<PlannedTask> tasks = new ArrayList<>();
        for (int i = from; i < Math.min(video.taskCount(planning.framesPerTask()), from + max); i++) {
            tasks.add(new PlannedTask(i, TaskKind.INTERPOLATE,
                    Json.text(video.forTask(i, planning.framesPerTask(), job, keys))));
        }
        return tasks;
    }

    /**
     * Where each keyframe's w is read from: an inline w at {@link ObjectKeys#keyframe} (the scheduler stores it when
     * it plans the job), a projection's {@code projected_w.npz}; null for a seed.
     */
    public static List<String> keyframeKeys(UUID job, InterpolateJobSpec spec) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < spec.keyframes().size(); i++) {
            Keyframe k = spec.keyframes().get(i);
            keys.add(k.isSeed() ? null : k.w() != null ? ObjectKeys.keyframe(job, i)
                    : ObjectKeys.projectedW(k.projection(), k.target()));
        }
        return keys;
    }

    @Override
    public List<String> outputs() {
        return List.of("video", "manifest");
    }
}
