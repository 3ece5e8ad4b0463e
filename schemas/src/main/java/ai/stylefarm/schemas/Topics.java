package ai.stylefarm.schemas;

/** Kafka topic names. The version suffix changes only together with the message schema it carries. */
public final class Topics {
    /** {@link JobMessage}, keyed by job id. */
    public static final String JOBS = "stylefarm.jobs.v1";
    /** {@link TaskMessage}, keyed by task id; consumed by the group {@link #WORKERS_GROUP}. */
    public static final String TASKS = "stylefarm.tasks.v1";
    /** {@link TaskEvent}, keyed by job id so that one job's events stay in order on one partition. */
    public static final String TASK_EVENTS = "stylefarm.task-events.v1";
    /** Records that could not be parsed or validated, byte for byte, with {@link DlqHeaders}. */
    public static final String DLQ = "stylefarm.dlq.v1";

    public static final String WORKERS_GROUP = "workers";
    /** Consumes {@link #JOBS} and {@link #TASK_EVENTS}. */
    public static final String SCHEDULER_GROUP = "scheduler";

    private Topics() {
    }
}
