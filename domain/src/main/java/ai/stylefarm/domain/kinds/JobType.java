package ai.stylefarm.domain.kinds;

import ai.stylefarm.schemas.JobKind;
import ai.stylefarm.schemas.PlannedTask;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.UUID;

/**
 * What a job kind is to the farm, in one place: how its spec is checked and normalised against the model and the
 * tenant's data, what it counts against quotas, how it splits into tasks, and what it makes as a whole. The gateway
 * accepts, the scheduler plans and the dashboard lists outputs through this type; the worker and the scheduler's
 * finishers dispatch through registries keyed by the same kinds.
 */
public sealed interface JobType permits GenerateJob, StyleMixJob, InterpolateJob, ProjectJob, CalibrateJob {

    JobKind kind();

    /**
     * Checks a submitted spec completely, problems going to {@code submission}: the spec's own rules (its record in
     * the schemas module), then what only the model and the tenant's data can answer.
     *
     * @return the spec as it will be stored, counted, with its references resolved; null when it has problems
     */
    Accepted accept(JsonNode spec, Submission submission);

    /** The field a refusal names when the job asks for more images than the tenant's {@code max_images_per_job}. */
    String quotaField();

    /** Its tasks in all: a pure function of the stored spec. */
    int taskCount(JsonNode spec, Planning planning);

    /**
     * Tasks {@code from} to {@code from + max - 1}, or fewer at the end of the job. Task {@code i} is a pure function of
     * the job and {@code i}, so planning can stop and resume anywhere and re-planning yields the same tasks.
     */
    List<PlannedTask> plan(UUID job, JsonNode spec, int from, int max, Planning planning);

    /** What the job makes as a whole (artifact kinds: manifest, dataset card, grid, video, reports), beside its items. */
    List<String> outputs();

    static JobType of(JobKind kind) {
        return switch (kind) {
            case GENERATE -> GenerateJob.INSTANCE;
            case STYLE_MIX -> StyleMixJob.INSTANCE;
            case INTERPOLATE -> InterpolateJob.INSTANCE;
            case PROJECT -> ProjectJob.INSTANCE;
            case CALIBRATE -> CalibrateJob.INSTANCE;
        };
    }
}
