package ai.stylefarm.worker;

import ai.stylefarm.schemas.TaskMessage;
import java.util.function.BooleanSupplier;

/** Runs one task to its terminal event; the consumer loop commits or hands back its offset by the outcome. */
public interface TaskRunner {

    /** What the consumer loop does with the task's offset. */
    enum Outcome {
        /** A terminal event was sent: commit, the scheduler takes it from here. */
        COMMIT,
        /** Abandoned on shutdown: do not commit, so the group hands the task to another worker. */
        REDELIVER
    }

    /**
     * @param stopping checked between batches; once true, the task is abandoned with a retryable FAILED
     * @param rendered called (at most once, from the task's thread) when the task no longer needs the render
     *                 lanes, so the next task may start rendering while this one stores its last outputs; a task
     *                 that never calls it holds the lanes until it returns
     * @throws EventPublisher.DeliveryException when a STARTED or terminal event cannot be sent
     */
    Outcome process(TaskMessage task, BooleanSupplier stopping, Runnable rendered);
}
