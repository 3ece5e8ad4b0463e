package ai.stylefarm.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.stylefarm.scheduler.planning.JobPlanner;
import ai.stylefarm.schemas.GenerateTaskSpec;
import ai.stylefarm.schemas.JobKind;
import ai.stylefarm.schemas.Messages;
import ai.stylefarm.schemas.PlannedTask;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class JobPlannerTest {
    private static final UUID JOB = UUID.fromString("0b9e7a52-3c1f-4d7e-9a0b-6f2d1c3e4a5b");

    @Test
    void splitsSeedsIntoTasksOfTheConfiguredSizeWithTheJobsSettings() throws Exception {
        ObjectNode spec = Messages.mapper().createObjectNode().put("seeds", "0-199").put("truncation_psi", 0.7);
        JobPlanner planner = new JobPlanner(64, 120);
        List<PlannedTask> plan = planner.plan(JOB, JobKind.GENERATE, spec, 0, 100);

        assertEquals(4, planner.taskCount(JobKind.GENERATE, spec));
        assertEquals(4, plan.size());
        assertEquals(List.of(0, 1, 2, 3), plan.stream().map(PlannedTask::index).toList());
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
    void planningIsAPureFunctionOfTheJobAndResumesAnywhere() {
        ObjectNode spec = Messages.mapper().createObjectNode().put("seeds", "5,9,100-300");
        JobPlanner planner = new JobPlanner(32, 120);
        List<PlannedTask> whole = planner.plan(JOB, JobKind.GENERATE, spec, 0, 1000);
        assertEquals(whole, new JobPlanner(32, 120).plan(JOB, JobKind.GENERATE, spec, 0, 1000));
        List<PlannedTask> inWindows = new java.util.ArrayList<>(planner.plan(JOB, JobKind.GENERATE, spec, 0, 3));
        inWindows.addAll(planner.plan(JOB, JobKind.GENERATE, spec, 3, 3));
        inWindows.addAll(planner.plan(JOB, JobKind.GENERATE, spec, 6, 3));
        assertEquals(whole, inWindows);
    }

    @Test
    void aTenMillionSeedJobIsPlannedAWindowAtATime() {
        ObjectNode spec = Messages.mapper().createObjectNode().put("seeds", "0-9999999");
        JobPlanner planner = new JobPlanner(64, 120);
        assertEquals(156_250, planner.taskCount(JobKind.GENERATE, spec));
        List<PlannedTask> last = planner.plan(JOB, JobKind.GENERATE, spec, 156_249, 256);
        assertEquals(1, last.size());
        assertEquals("9999936-9999999", read(last.get(0).specJson()).seeds().toString());
    }

    @Test
    void refusesKindsItCannotPlan() {
        ObjectNode spec = Messages.mapper().createObjectNode();
        assertThrows(IllegalArgumentException.class, () -> new JobPlanner(64, 120).plan(JOB, JobKind.PROJECT, spec, 0, 1));
    }

    @Test
    void anInterpolationBecomesSegmentTasksThatCoverEveryFrameOnceAndReadStoredWsFromTheirKeys() throws Exception {
        java.util.UUID projection = java.util.UUID.randomUUID();
        var spec = Messages.mapper().readTree(("{'keyframes': [1, {'w': [0.5, 0.25]}, {'projection': '" + projection
                + "', 'target': 3}, 2], 'frames_per_keyframe': 25}").replace('\'', '"'));
        JobPlanner planner = new JobPlanner(64, 30);
        assertEquals(3, planner.taskCount(JobKind.INTERPOLATE, spec)); // 3 × 25 + 1 = 76 frames
        List<PlannedTask> tasks = planner.plan(JOB, JobKind.INTERPOLATE, spec, 0, 10);
        long next = 0;
        for (PlannedTask task : tasks) {
            var video = Messages.mapper().readValue(task.specJson(), ai.stylefarm.schemas.InterpolateTaskSpec.class);
            assertEquals(next, video.firstFrame());
            next += video.frameCount();
            assertEquals(ai.stylefarm.schemas.ObjectKeys.segment(JOB, task.index()), video.segmentKey());
            assertEquals(1L, video.keyframes().get(0).seed());
            assertEquals(ai.stylefarm.schemas.ObjectKeys.keyframe(JOB, 1), video.keyframes().get(1).wKey());
            assertEquals(ai.stylefarm.schemas.ObjectKeys.projectedW(projection, 3), video.keyframes().get(2).wKey());
        }
        assertEquals(76, next);
    }

    private static GenerateTaskSpec read(String json) {
        try {
            return Messages.mapper().readValue(json, GenerateTaskSpec.class);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
