package ai.stylefarm.schemas;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;

/**
 * What a worker reports about one attempt of a task, on {@link Topics#TASK_EVENTS}. Build them with the
 * factories, which copy {@code (taskId, jobId, attempt)} from the task so they cannot drift.
 *
 * @param device set on {@link Type#STARTED} and {@link Type#HEARTBEAT}, so the scheduler always knows what each worker runs on
 * @param host   the worker's process as it runs: set on {@link Type#STARTED} and {@link Type#HEARTBEAT}
 * @param done items finished so far; set on {@link Type#PROGRESS}
 * @param total items in the task; set on {@link Type#PROGRESS}
 * @param outputs every stored object; set on {@link Type#SUCCEEDED}
 * @param error set on {@link Type#FAILED}
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder("schema")
public record TaskEvent(
        UUID taskId,
        UUID jobId,
        int attempt,
        String workerId,
        Type type,
        Device device,
        Host host,
        Integer done,
        Integer total,
        List<Output> outputs,
        Failure error,
        Instant at) {

    public static final String SCHEMA = "stylefarm.task-event.v1";

    public enum Type { STARTED, HEARTBEAT, PROGRESS, SUCCEEDED, FAILED }

    public enum DeviceKind {
        CPU, CUDA;

        @JsonValue
        public String value() {
            return name().toLowerCase(Locale.ROOT);
        }

        @JsonCreator
        public static DeviceKind of(String value) {
            return Wire.parse(DeviceKind.class, value);
        }
    }

    /** @param name e.g. {@code NVIDIA H100 80GB HBM3} or the CPU model */
    public record Device(DeviceKind kind, String name) {
    }

    /**
     * The worker's process, for the operators' workers page.
     *
     * @param cpu         its share of the host's CPU, 0 to 1
     * @param memoryBytes its resident memory
     * @param gpu         the GPU's busy fraction (nvidia-smi), null without one
     * @param version     the worker's build
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Host(double cpu, long memoryBytes, Double gpu, long uptimeSeconds, String version) {
    }

    /**
     * One stored object.
     *
     * @param seed the seed the object was rendered from; absent for objects that hold many (a shard)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Output(Long seed, String key, String sha256, long bytes) {
    }

    /**
     * @param reason cut to {@value #MAX_REASON} characters, so that a long stack trace cannot make the event unsendable
     * @param retryable whether another attempt may succeed (a lost connection, not a bad spec)
     */
    public record Failure(String reason, boolean retryable) {
        public static final int MAX_REASON = 4000;

        public Failure {
            Objects.requireNonNull(reason, "reason");
            if (reason.length() > MAX_REASON) {
                reason = reason.substring(0, MAX_REASON);
            }
        }
    }

    public TaskEvent {
        Objects.requireNonNull(taskId, "taskId");
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(workerId, "workerId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(at, "at");
        if (done != null && total != null && done > total) {
            throw new IllegalArgumentException("done " + done + " is more than total " + total);
        }
        outputs = outputs == null ? null : List.copyOf(outputs);
    }

    public static TaskEvent started(TaskMessage task, String workerId, Device device, Host host, Instant at) {
        return new TaskEvent(task.taskId(), task.jobId(), task.attempt(), workerId, Type.STARTED, device, host,
                null, null, null, null, at);
    }

    public static TaskEvent heartbeat(TaskMessage task, String workerId, Device device, Host host, Instant at) {
        return new TaskEvent(task.taskId(), task.jobId(), task.attempt(), workerId, Type.HEARTBEAT, device, host,
                null, null, null, null, at);
    }

    public static TaskEvent progress(TaskMessage task, String workerId, int done, int total, Instant at) {
        return new TaskEvent(task.taskId(), task.jobId(), task.attempt(), workerId, Type.PROGRESS, null, null,
                done, total, null, null, at);
    }

    public static TaskEvent succeeded(TaskMessage task, String workerId, List<Output> outputs, Instant at) {
        return new TaskEvent(task.taskId(), task.jobId(), task.attempt(), workerId, Type.SUCCEEDED, null, null,
                null, null, outputs, null, at);
    }

    public static TaskEvent failed(TaskMessage task, String workerId, Failure error, Instant at) {
        return new TaskEvent(task.taskId(), task.jobId(), task.attempt(), workerId, Type.FAILED, null, null,
                null, null, null, error, at);
    }

    @JsonProperty(value = "schema", access = JsonProperty.Access.READ_ONLY)
    public String schema() {
        return SCHEMA;
    }
}
