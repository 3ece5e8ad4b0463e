package ai.stylefarm.schemas;

import java.util.EnumSet;
import java.util.Set;

/**
 * A task's life cycle, written only by the scheduler by compare-and-set along {@link #canTransitionTo}.
 * A re-issue (lost lease or retry) goes back to {@link #RELEASED} with attempt + 1, so events of the
 * earlier attempt are recognisably stale.
 */
public enum TaskState {
    PENDING, RELEASED, RUNNING, SUCCEEDED, FAILED, CANCELLED;

    public Set<TaskState> successors() {
        return switch (this) {
            case PENDING -> EnumSet.of(RELEASED, CANCELLED);
            // FAILED straight from RELEASED: a task that never started within its lease, out of attempts.
            case RELEASED -> EnumSet.of(RUNNING, CANCELLED, FAILED);
            case RUNNING -> EnumSet.of(SUCCEEDED, FAILED, CANCELLED, RELEASED);
            case SUCCEEDED, FAILED, CANCELLED -> EnumSet.noneOf(TaskState.class);
        };
    }

    public boolean canTransitionTo(TaskState next) {
        return successors().contains(next);
    }

    public boolean isTerminal() {
        return successors().isEmpty();
    }
}
