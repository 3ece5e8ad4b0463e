package ai.stylefarm.scheduler.planning;

import ai.stylefarm.domain.kinds.JobType;
import ai.stylefarm.domain.kinds.Planning;
import ai.stylefarm.schemas.JobKind;
import ai.stylefarm.schemas.PlannedTask;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.UUID;

/**
 * Splits a job into tasks, a window at a time, as its kind's {@link JobType} does with this scheduler's task sizes:
 * a 10M-seed job is never held in memory whole, and re-planning after a crash yields the same tasks.
 */
public final class JobPlanner {
    private final Planning planning;

    public JobPlanner(int seedsPerTask, int framesPerTask) {
        this.planning = new Planning(seedsPerTask, framesPerTask);
    }

    /** @throws IllegalArgumentException for a spec that does not parse */
    public int taskCount(JobKind kind, JsonNode spec) {
        return JobType.of(kind).taskCount(spec, planning);
    }

    /** Tasks {@code from} to {@code from + max - 1}, or fewer at the end of the job. */
    public List<PlannedTask> plan(UUID jobId, JobKind kind, JsonNode spec, int from, int max) {
        return JobType.of(kind).plan(jobId, spec, from, max, planning);
    }
}
