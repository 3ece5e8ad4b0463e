package ai.stylefarm.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProjectJobSpecTest {
    private static final String UPLOAD = "0f1e2d3c-4b5a-4697-8877-665544332211";
    private static final String JOB = "1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9";

    private static JsonNode json(String text) {
        try {
            return Messages.mapper().readTree(text.replace('\'', '"'));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void fillsInProjectorPyDefaults() {
        ProjectJobSpec spec = ProjectJobSpec.parse(json("{'targets': [{'upload': '" + UPLOAD + "'}]}"));
        assertEquals(1000, spec.settings().steps());
        assertEquals(ProjectionSpace.W, spec.settings().space());
        assertTrue(spec.settings().optimizeNoise());
        assertEquals(303, spec.settings().seed());
        assertNull(spec.threshold());
    }

    @Test
    void storedSpecRoundTripsWithResolvedTargetsAndOneTaskPerTarget() {
        ProjectJobSpec spec = ProjectJobSpec.parse(json("{'targets': [{'upload': '" + UPLOAD + "'}, {'job': '" + JOB
                + "', 'key': 'jobs/" + JOB + "/images/seed00000003.png'}], 'steps': 50, 'space': 'w_plus'}"));
        ProjectJobSpec resolved = spec.withTargets(List.of(spec.targets().get(0).resolved("uploads/acme/" + UPLOAD,
                "cat.jpg"), spec.targets().get(1)), 0.004);
        JsonNode stored = Messages.mapper().valueToTree(resolved);
        assertEquals(50, stored.get("steps").asInt());
        ProjectJobSpec again = ProjectJobSpec.parse(stored);
        assertEquals(resolved, again);
        UUID job = UUID.randomUUID();
        ProjectTaskSpec task = again.forTask(1, job);
        assertEquals("jobs/" + JOB + "/images/seed00000003.png", task.target().key());
        assertEquals(ObjectKeys.job(job) + "projections/000001/", task.outputPrefix());
        assertEquals(0.004, task.threshold());
        assertEquals(ProjectionSpace.W_PLUS, task.space());
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            "{}|targets",
            "{'targets': []}|targets",
            "{'targets': [{'upload': 'x'}]}|targets[0].upload",
            "{'targets': [{'job': '" + JOB + "', 'key': 'jobs/other/x.png'}]}|targets[0].key",
            "{'targets': [{'job': '" + JOB + "', 'key': 'jobs/" + JOB + "/../x.png'}]}|targets[0].key",
            "{'targets': [{'upload': '" + UPLOAD + "', 'job': '" + JOB + "'}]}|targets[0]",
            "{'targets': [{'upload': '" + UPLOAD + "'}], 'steps': 0}|steps",
            "{'targets': [{'upload': '" + UPLOAD + "'}], 'space': 'z'}|space",
            "{'targets': [{'upload': '" + UPLOAD + "'}], 'seed': -1}|seed",
            "{'targets': [{'upload': '" + UPLOAD + "'}], 'threshold': 0}|threshold",
            "{'targets': [{'upload': '" + UPLOAD + "'}], 'threshold': 1180591620717411303424}|threshold",
            "{'targets': [{'upload': '" + UPLOAD + "'}], 'colour': 1}|colour"})
    void refusesWithTheFieldNamed(String body, String field) {
        List<ValidationError> errors = ProjectJobSpec.validate(json(body));
        assertTrue(errors.stream().anyMatch(e -> e.field().equals(field)), errors.toString());
    }

    @Test
    void calibrationPlansFreshSeedPositivesThenNegativesRepeatably() {
        CalibrateJobSpec spec = CalibrateJobSpec.parse(json("{'positives': 4, 'negative_model': 'other', 'fpr': 0.1}"))
                .resolved(List.of(), "other-key", "a".repeat(64));
        UUID job = UUID.randomUUID();
        assertEquals(8, spec.taskCount());
        assertTrue(Arrays.equals(spec.freshSeeds(job), spec.freshSeeds(job)));
        assertNotEquals(spec.freshSeeds(job)[0], spec.freshSeeds(UUID.randomUUID())[0]);
        assertEquals(spec, CalibrateJobSpec.parse(Messages.mapper().valueToTree(spec)), "the stored spec reads back");
        ProjectTaskSpec positive = spec.forTask(0, job);
        assertEquals(ProjectTaskSpec.POSITIVE, positive.label());
        assertNull(positive.target().modelId());
        ProjectTaskSpec negative = spec.forTask(5, job);
        assertEquals(ProjectTaskSpec.NEGATIVE, negative.label());
        assertEquals("other-key", negative.target().modelId(), "the task names the model by its internal key");
        for (int i = 0; i < spec.taskCount(); i++) {
            // Every planned message must pass the task schema: seeds are 32-bit.
            long seed = spec.forTask(i, job).target().seed();
            assertTrue(seed >= 0 && seed < 1L << 32, "seed " + seed);
        }
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            "{'positives': 4}|negatives",
            "{'negative_model': 'm', 'negatives': [{'upload': '" + UPLOAD + "'}]}|negatives",
            "{'negatives': [{'upload': '" + UPLOAD + "'}]}|negatives",
            "{'negative_model': 'm', 'positives': 1}|positives",
            "{'negative_model': 'm', 'fpr': 1}|fpr"})
    void calibrationRefusesWithTheFieldNamed(String body, String field) {
        List<ValidationError> errors = CalibrateJobSpec.validate(json(body));
        assertTrue(errors.stream().anyMatch(e -> e.field().equals(field)), errors.toString());
    }
}
