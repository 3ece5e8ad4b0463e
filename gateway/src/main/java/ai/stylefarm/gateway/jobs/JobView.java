package ai.stylefarm.gateway.jobs;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
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

    /** Outputs stored so far against what the job asked for. */
    public record Items(long done, long total) {
    }
}
