package ai.stylefarm.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StateMachineTest {

    @Test
    void jobsMoveOnlyAlongTheListedTransitions() {
        Map<JobState, Set<JobState>> allowed = Map.of(
                JobState.QUEUED, EnumSet.of(JobState.PLANNED, JobState.CANCELLED, JobState.FAILED),
                JobState.PLANNED, EnumSet.of(JobState.RUNNING, JobState.PAUSED, JobState.CANCELLED, JobState.FAILED),
                JobState.RUNNING, EnumSet.of(JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED, JobState.PAUSED),
                JobState.PAUSED, EnumSet.of(JobState.RUNNING, JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED),
                JobState.SUCCEEDED, EnumSet.noneOf(JobState.class),
                JobState.FAILED, EnumSet.of(JobState.RUNNING),
                JobState.CANCELLED, EnumSet.noneOf(JobState.class));
        Set<JobState> ended = EnumSet.of(JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED);

        for (JobState from : JobState.values()) {
            for (JobState to : JobState.values()) {
                assertEquals(allowed.get(from).contains(to), from.canTransitionTo(to), from + " -> " + to);
            }
            assertEquals(ended.contains(from), from.isTerminal(), from + " terminal");
        }
    }

    @Test
    void tasksMoveOnlyAlongTheListedTransitions() {
        Map<TaskState, Set<TaskState>> allowed = Map.of(
                TaskState.PENDING, EnumSet.of(TaskState.RELEASED, TaskState.CANCELLED),
                TaskState.WAITING, EnumSet.of(TaskState.RELEASED, TaskState.CANCELLED),
                TaskState.RELEASED, EnumSet.of(TaskState.RUNNING, TaskState.WAITING, TaskState.CANCELLED,
                        TaskState.FAILED),
                TaskState.RUNNING, EnumSet.of(TaskState.SUCCEEDED, TaskState.FAILED, TaskState.CANCELLED,
                        TaskState.WAITING),
                TaskState.SUCCEEDED, EnumSet.noneOf(TaskState.class),
                TaskState.FAILED, EnumSet.of(TaskState.WAITING),
                TaskState.CANCELLED, EnumSet.noneOf(TaskState.class));
        Set<TaskState> ended = EnumSet.of(TaskState.SUCCEEDED, TaskState.FAILED, TaskState.CANCELLED);

        for (TaskState from : TaskState.values()) {
            for (TaskState to : TaskState.values()) {
                assertEquals(allowed.get(from).contains(to), from.canTransitionTo(to), from + " -> " + to);
            }
            assertEquals(ended.contains(from), from.isTerminal(), from + " terminal");
        }
    }

    @Test
    void noStateMovesToItself() {
        for (JobState s : JobState.values()) {
            assertTrue(!s.canTransitionTo(s), s.name());
        }
        for (TaskState s : TaskState.values()) {
            assertTrue(!s.canTransitionTo(s), s.name());
        }
    }

    @Test
    void theSqlPredicatesAreTheEnumsOwnPartitions() {
        assertEquals("('QUEUED', 'PLANNED', 'RUNNING', 'PAUSED')", JobState.liveSql());
        assertEquals("('SUCCEEDED', 'FAILED', 'CANCELLED')", JobState.terminalSql());
        assertEquals("('PLANNED', 'RUNNING')", JobState.releasingSql());
        assertEquals("('PENDING', 'WAITING')", TaskState.queuedSql());
        assertEquals("('RELEASED', 'RUNNING')", TaskState.inFlightSql());
        assertEquals("('PENDING', 'WAITING', 'RELEASED', 'RUNNING')", TaskState.openSql());
        assertEquals("'PAUSED'", JobState.PAUSED.sql());
    }
}
