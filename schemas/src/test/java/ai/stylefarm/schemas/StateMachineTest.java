package ai.stylefarm.schemas;

import static ai.stylefarm.schemas.JobState.PLANNED;
import static ai.stylefarm.schemas.JobState.QUEUED;
import static ai.stylefarm.schemas.TaskState.PENDING;
import static ai.stylefarm.schemas.TaskState.RELEASED;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StateMachineTest {

    @Test
    void jobsMoveOnlyAlongTheListedTransitions() {
        Map<JobState, Set<JobState>> allowed = Map.of(
                QUEUED, EnumSet.of(PLANNED, JobState.CANCELLED, JobState.FAILED),
                PLANNED, EnumSet.of(JobState.RUNNING, JobState.CANCELLED, JobState.FAILED),
                JobState.RUNNING, EnumSet.of(JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED),
                JobState.SUCCEEDED, EnumSet.noneOf(JobState.class),
                JobState.FAILED, EnumSet.noneOf(JobState.class),
                JobState.CANCELLED, EnumSet.noneOf(JobState.class));

        for (JobState from : JobState.values()) {
            for (JobState to : JobState.values()) {
                assertEquals(allowed.get(from).contains(to), from.canTransitionTo(to), from + " -> " + to);
            }
            assertEquals(allowed.get(from).isEmpty(), from.isTerminal(), from + " terminal");
        }
    }

    @Test
    void tasksMoveOnlyAlongTheListedTransitions() {
        Map<TaskState, Set<TaskState>> allowed = Map.of(
                PENDING, EnumSet.of(RELEASED, TaskState.CANCELLED),
                RELEASED, EnumSet.of(TaskState.RUNNING, TaskState.CANCELLED, TaskState.FAILED),
                TaskState.RUNNING, EnumSet.of(TaskState.SUCCEEDED, TaskState.FAILED, TaskState.CANCELLED, RELEASED),
                TaskState.SUCCEEDED, EnumSet.noneOf(TaskState.class),
                TaskState.FAILED, EnumSet.noneOf(TaskState.class),
                TaskState.CANCELLED, EnumSet.noneOf(TaskState.class));

        for (TaskState from : TaskState.values()) {
            for (TaskState to : TaskState.values()) {
                assertEquals(allowed.get(from).contains(to), from.canTransitionTo(to), from + " -> " + to);
            }
            assertEquals(allowed.get(from).isEmpty(), from.isTerminal(), from + " terminal");
        }
    }
}
