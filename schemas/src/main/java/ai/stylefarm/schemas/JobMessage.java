package ai.stylefarm.schemas;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * The notice that a job was accepted, on {@link Topics#JOBS}, published by the gateway's outbox relay after the job
 * is committed. It carries no spec: the committed {@code jobs} row is its one copy, which the scheduler plans from, so
 * the two can never disagree. The other fields serve partitioning, logs and tools that watch the topic.
 *
 * @param priority {@value #MIN_PRIORITY} to {@value #MAX_PRIORITY}, higher runs first
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonPropertyOrder("schema")
public record JobMessage(
        UUID jobId,
        String tenant,
        JobKind kind,
        String modelId,
        int priority,
        Instant submittedAt) {

    public static final String SCHEMA = "stylefarm.job.v2";
    public static final int MIN_PRIORITY = 0;
    public static final int MAX_PRIORITY = 9;
    public static final int DEFAULT_PRIORITY = 5;

    public JobMessage {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(modelId, "modelId");
        Objects.requireNonNull(submittedAt, "submittedAt");
    }

    /** Written on every document and checked by the schema on read, never bound. */
    @JsonProperty(value = "schema", access = JsonProperty.Access.READ_ONLY)
    public String schema() {
        return SCHEMA;
    }
}
