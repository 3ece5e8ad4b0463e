package ai.stylefarm.gateway.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.UUID;

/**
 * A job as the API shows it.
 *
 * @param progress finished items over all items, 0 to 1 (images for generate jobs)
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
        Instant cancelRequestedAt) {

    public record Tasks(int total, int done, int failed) {
    }

    /** Outputs stored so far against what the job asked for. */
    public record Items(long done, long total) {
    }
}
