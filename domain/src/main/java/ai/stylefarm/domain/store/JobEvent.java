package ai.stylefarm.domain.store;

import java.util.Set;
import java.util.stream.Collectors;

/** What an entry of a job's audit trail ({@code job_events.type}) records. */
public enum JobEvent {
    SUBMITTED, PLANNED, SUCCEEDED, FAILED, CANCELLED,
    CANCEL_REQUESTED, DELETE_REQUESTED, OUTPUTS_EXPIRED,
    /** Operator controls. */
    PAUSED, RESUMED, PRIORITY_CHANGED, REQUEUED,
    TASK_STARTED, TASK_RETRY, TASK_FAILED, TASK_REASSIGNED, LEASE_EXPIRED;

    /** A task attempt that went wrong: what the dashboard counts as failures. */
    public static final Set<JobEvent> TROUBLE = Set.of(TASK_RETRY, TASK_FAILED, LEASE_EXPIRED);

    /** {@code events} as an SQL list, for {@code type IN}. */
    public static String sqlList(Set<JobEvent> events) {
        return events.stream().sorted().map(e -> "'" + e.name() + "'").collect(Collectors.joining(", ", "(", ")"));
    }
}
