package ai.stylefarm.schemas;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * One unit of work on {@link Topics#TASKS}. The worker echoes {@code (taskId, attempt)} in every
 * {@link TaskEvent}, so the scheduler can drop events of a superseded attempt.
 *
 * @param attempt 1 on the first issue, one more on each re-issue
 * @param modelId the model's internal key: where its bundle is ({@code models/{modelId}/})
 * @param modelName the model's id as its owner named it, for metrics and the outputs people read; null in messages
 *                  from before it existed
 * @param modelSha256 checksum of the model bundle, the key of the worker's local cache
 * @param spec what to render; its {@link TaskSpec#kind()} is written as the message's {@code kind}
 * @param leaseSeconds how long the scheduler waits for a heartbeat before it re-issues the task
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonPropertyOrder("schema")
public record TaskMessage(
        UUID taskId,
        UUID jobId,
        int attempt,
        String modelId,
        @JsonInclude(JsonInclude.Include.NON_NULL) String modelName,
        String modelSha256,
        @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.EXTERNAL_PROPERTY, property = "kind")
        @JsonSubTypes({@JsonSubTypes.Type(value = GenerateTaskSpec.class, name = "generate"),
                @JsonSubTypes.Type(value = StyleMixTaskSpec.class, name = "style_mix"),
                @JsonSubTypes.Type(value = InterpolateTaskSpec.class, name = "interpolate"),
                @JsonSubTypes.Type(value = ProjectTaskSpec.class, name = "project")})
        TaskSpec spec,
        int leaseSeconds,
        Instant issuedAt) {

    public static final String SCHEMA = "stylefarm.task.v1";

    public TaskMessage {
        Objects.requireNonNull(taskId, "taskId");
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(modelId, "modelId");
        Objects.requireNonNull(modelSha256, "modelSha256");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(issuedAt, "issuedAt");
    }

    /** How people know the model: its owner's name for it, else its key. */
    @JsonIgnore
    public String displayModel() {
        return modelName != null ? modelName : modelId;
    }

    @JsonProperty(value = "schema", access = JsonProperty.Access.READ_ONLY)
    public String schema() {
        return SCHEMA;
    }
}
