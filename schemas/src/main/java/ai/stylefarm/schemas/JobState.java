package ai.stylefarm.schemas;

import java.util.EnumSet;
import java.util.Set;

/**
 * A job's life cycle and the SQL predicates over it. Every write is a compare-and-set along {@link #canTransitionTo};
 * the wire and {@code jobs.state} value is {@link #name()}. The scheduler moves jobs through planning, running and
 * their end; operators pause and resume them, and requeue the failed tasks of a failed job (FAILED → RUNNING).
 */
public enum JobState {
    /** Accepted, not yet planned. */
    QUEUED,
    /** Its tasks exist; none has started. */
    PLANNED,
    RUNNING,
    /** An operator paused it: no task is released, those already out finish. */
    PAUSED,
    SUCCEEDED,
    FAILED,
    CANCELLED;

    private static final Set<JobState> ENDED = EnumSet.of(SUCCEEDED, FAILED, CANCELLED);
    private static final Set<JobState> RELEASING = EnumSet.of(PLANNED, RUNNING);

    /** The states this one may move to. */
    public Set<JobState> successors() {
        return switch (this) {
            // FAILED before RUNNING covers a spec or model that turns out unusable while planning.
            case QUEUED -> EnumSet.of(PLANNED, CANCELLED, FAILED);
            case PLANNED -> EnumSet.of(RUNNING, PAUSED, CANCELLED, FAILED);
            case RUNNING -> EnumSet.of(SUCCEEDED, FAILED, CANCELLED, PAUSED);
            // A paused job still ends when its last tasks end while paused.
            case PAUSED -> EnumSet.of(RUNNING, SUCCEEDED, FAILED, CANCELLED);
            case FAILED -> EnumSet.of(RUNNING);
            case SUCCEEDED, CANCELLED -> EnumSet.noneOf(JobState.class);
        };
    }

    public boolean canTransitionTo(JobState next) {
        return successors().contains(next);
    }

    /** Ended: nothing more happens unless an operator requeues a failed job's tasks. */
    public boolean isTerminal() {
        return ENDED.contains(this);
    }

    /** Its due tasks are released to workers. */
    public boolean releasesTasks() {
        return RELEASING.contains(this);
    }

    /** The live (not terminal) states as an SQL list, {@code ('QUEUED', ...)}, for {@code state IN}. */
    public static String liveSql() {
        return StateSql.list(EnumSet.complementOf(EnumSet.copyOf(ENDED)));
    }

    /** The terminal states as an SQL list, for {@code state IN}. */
    public static String terminalSql() {
        return StateSql.list(ENDED);
    }

    /** The states whose tasks are released, for {@code state IN}. */
    public static String releasingSql() {
        return StateSql.list(RELEASING);
    }

    /** One state as an SQL literal, for {@code state = }. */
    public String sql() {
        return StateSql.literal(this);
    }
}
