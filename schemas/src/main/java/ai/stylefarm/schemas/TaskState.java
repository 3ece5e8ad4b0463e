package ai.stylefarm.schemas;

import java.util.EnumSet;
import java.util.Set;

/**
 * A task's life cycle, written by compare-and-set along {@link #canTransitionTo}, and the SQL predicates over it:
 * no other code names a state in a query. Every issue to Kafka is a new attempt (attempt + 1), which is how events
 * of an earlier attempt become recognisably stale.
 *
 * <pre>
 * PENDING ──┐                      ┌─> SUCCEEDED
 *           ├─> RELEASED ─> RUNNING ┼─> FAILED ──(operator requeue)─┐
 * WAITING ──┘      │           │    └─> CANCELLED                    │
 *    ^             └───────────┴── retry, lost lease ──> WAITING <───┘
 * </pre>
 */
public enum TaskState {
    /** Planned, never issued; due at once. */
    PENDING,
    /** Waiting to be issued again: a retry's back-off, a lost lease, or an operator's requeue, due at next_attempt_at. */
    WAITING,
    /** Sent to a worker's partition, under a lease that a worker must take up. */
    RELEASED,
    /** A worker runs it and renews its lease with heartbeats. */
    RUNNING,
    SUCCEEDED,
    /** Out of attempts, or failed for a reason no retry can fix; an operator may requeue it. */
    FAILED,
    CANCELLED;

    private static final Set<TaskState> ENDED = EnumSet.of(SUCCEEDED, FAILED, CANCELLED);
    private static final Set<TaskState> QUEUED = EnumSet.of(PENDING, WAITING);
    private static final Set<TaskState> IN_FLIGHT = EnumSet.of(RELEASED, RUNNING);

    public Set<TaskState> successors() {
        return switch (this) {
            case PENDING, WAITING -> EnumSet.of(RELEASED, CANCELLED);
            // FAILED straight from RELEASED: a task that never started within its lease, out of attempts.
            case RELEASED -> EnumSet.of(RUNNING, WAITING, FAILED, CANCELLED);
            case RUNNING -> EnumSet.of(SUCCEEDED, FAILED, CANCELLED, WAITING);
            case FAILED -> EnumSet.of(WAITING);
            case SUCCEEDED, CANCELLED -> EnumSet.noneOf(TaskState.class);
        };
    }

    public boolean canTransitionTo(TaskState next) {
        return successors().contains(next);
    }

    /** Nothing more happens to it unless an operator requeues it (FAILED). */
    public boolean isTerminal() {
        return ENDED.contains(this);
    }

    /** Held by the farm, to be issued when due. */
    public boolean isQueued() {
        return QUEUED.contains(this);
    }

    /** On Kafka or on a worker, under a lease. */
    public boolean isInFlight() {
        return IN_FLIGHT.contains(this);
    }

    /** {@code ('PENDING', 'WAITING')}: waiting to be issued, for {@code state IN}. */
    public static String queuedSql() {
        return StateSql.list(QUEUED);
    }

    /** {@code ('RELEASED', 'RUNNING')}: under a lease, for {@code state IN}. */
    public static String inFlightSql() {
        return StateSql.list(IN_FLIGHT);
    }

    /** Every state but the terminal ones, for {@code state IN}. */
    public static String openSql() {
        return StateSql.list(EnumSet.complementOf(EnumSet.copyOf(ENDED)));
    }

    /** One state as an SQL literal, for {@code state = }. */
    public String sql() {
        return StateSql.literal(this);
    }
}
