package ai.stylefarm.domain.jobs;

import ai.stylefarm.schemas.JobState;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A job as the API shows it.
 *
 * @param model              the model's id as its owner named it
 * @param progress           finished items over all items, 0 to 1 (images for generate jobs)
 * @param outputsDeletedAt   when the tenant's retention period removed the job's outputs
 * @param modelKey           the model's internal key, never shown
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobView(
        UUID id,
        String tenant,
        String kind,
        String model,
        String state,
        int priority,
        JsonNode spec,
        Tasks tasks,
        Items items,
        double progress,
        String error,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt,
        Instant cancelRequestedAt,
        Instant outputsDeletedAt,
        @JsonIgnore String modelKey) {

    public record Tasks(int total, int done, int failed) {
    }

    /** Not ended: its tasks may still run. */
    @JsonProperty("live")
    public boolean live() {
        return !JobState.valueOf(state).isTerminal();
    }

    /**
     * What may be done to the job now, from its state's allow-list: {@code cancel}, {@code pause}, {@code resume},
     * {@code priority}, {@code requeue} (its failed tasks), {@code retry} (as a new job), {@code delete}. Clients show
     * these and never reason about states themselves.
     */
    @JsonProperty("actions")
    public List<String> actions() {
        JobState now = JobState.valueOf(state);
        boolean steerable = live() && cancelRequestedAt == null;
        List<String> actions = new ArrayList<>();
        if (steerable) {
            actions.add("cancel");
            actions.add("priority");
        }
        if (steerable && now.canTransitionTo(JobState.PAUSED)) {
            actions.add("pause");
        }
        if (steerable && now == JobState.PAUSED) {
            actions.add("resume");
        }
        if (now == JobState.FAILED && tasks.failed() > 0 && outputsDeletedAt == null) {
            actions.add("requeue");
        }
        if (now == JobState.FAILED || now == JobState.CANCELLED) {
            actions.add("retry");
        }
        if (now.isTerminal()) {
            actions.add("delete");
        }
        return actions;
    }

    /** Outputs stored so far against what the job asked for. */
    public record Items(long done, long total) {
    }
}
