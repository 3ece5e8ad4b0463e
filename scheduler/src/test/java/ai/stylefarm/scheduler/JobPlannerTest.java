package ai.stylefarm.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.stylefarm.scheduler.planning.JobPlanner;
import ai.stylefarm.schemas.GenerateTaskSpec;
import ai.stylefarm.schemas.JobKind;
import ai.stylefarm.schemas.Messages;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class JobPlannerTest {
    private static final UUID JOB = UUID.fromString("0b9e7a52-3c1f-4d7e-9a0b-6f2d1c3e4a5b");

    @Test
    void splitsSeedsIntoTasksOfTheConfiguredSizeWithTheJobsSettings() throws Exception {
        ObjectNode spec = Messages.mapper().createObjectNode().put("seeds", "0-199").put("truncation_psi", 0.7);
        List<JobPlanner.PlannedTask> plan = new JobPlanner(64).plan(JOB, JobKind.GENERATE, spec);

        assertEquals(4, plan.size());
        List<GenerateTaskSpec> tasks = plan.stream().map(t -> read(t.specJson())).toList();
        assertEquals(List.of(64, 64, 64, 8), tasks.stream().map(t -> t.seeds().count()).toList());
        assertEquals(0, tasks.get(0).seeds().stream().min().orElseThrow());
        assertEquals(199, tasks.get(3).seeds().stream().max().orElseThrow());
        for (GenerateTaskSpec task : tasks) {
            assertEquals(0.7, task.truncationPsi());
            assertEquals("jobs/" + JOB + "/images/", task.outputPrefix());
        }
    }

    @Test
    void planningIsAPureFunctionOfTheJob() {
        ObjectNode spec = Messages.mapper().createObjectNode().put("seeds", "5,9,100-300");
        assertEquals(new JobPlanner(32).plan(JOB, JobKind.GENERATE, spec), new JobPlanner(32).plan(JOB, JobKind.GENERATE, spec));
    }

    @Test
    void refusesKindsItCannotPlan() {
        ObjectNode spec = Messages.mapper().createObjectNode();
        assertThrows(IllegalArgumentException.class, () -> new JobPlanner(64).plan(JOB, JobKind.INTERPOLATE, spec));
    }

    private static GenerateTaskSpec read(String json) {
        try {
            return Messages.mapper().readValue(json, GenerateTaskSpec.class);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
