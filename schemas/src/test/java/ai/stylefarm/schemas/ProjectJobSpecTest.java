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

    @Test
    void calibrationDealsOutEveryNoiseModeAndPerturbationWithPsiFromTheRange() {
        CalibrateJobSpec spec = CalibrateJobSpec.parse(json("{'positives': 8, 'negative_model': 'other',"
                + " 'positive_noise_modes': ['const', 'random'], 'positive_psi': [0.5, 1],"
                + " 'perturbations': ['none', 'JPEG80', 'resize0.50-bilinear+jpeg90']}"))
                .resolved(List.of(), "other-key", "a".repeat(64));
        UUID job = UUID.randomUUID();
        assertEquals(spec, CalibrateJobSpec.parse(Messages.mapper().valueToTree(spec)), "the stored spec reads back");
        java.util.Set<String> variants = new java.util.HashSet<>();
        for (int i = 0; i < 8; i++) {
            ProjectTaskSpec.Render r = spec.forTask(i, job).target().render();
            assertTrue(r.psi() >= 0.5 && r.psi() <= 1, "psi " + r.psi());
            assertEquals(r, spec.forTask(i, job).target().render(), "re-planning renders the same");
            variants.add(r.variant());
        }
        assertEquals(java.util.Set.of("const · none", "random · none", "const · jpeg80", "random · jpeg80",
                "const · resize0.5-bilinear+jpeg90", "random · resize0.5-bilinear+jpeg90"), variants);
        assertNull(spec.forTask(8, job).target().render(), "another model's renders are generate.py's default");
        for (int i = 0; i < 8; i++) {
            // Every planned message passes the task schema and reads back as it was.
            TaskMessage message = new TaskMessage(UUID.randomUUID(), job, 1, "fashion", null, "0".repeat(64),
                    spec.forTask(i, job), 60, java.time.Instant.now());
            TaskMessage read = Messages.parse(Messages.toJson(message), TaskMessage.class);
            assertEquals(spec.forTask(i, job), read.spec());
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "jpeg0|JPEG quality must be 1 to 100",
            "resize8-bicubic|resize factor must be 0.25 to 4",
            "resize2-cubic|resize filter must be one of",
            "blur3|unknown perturbation step 'blur3'",
            "jpeg80+jpeg80+jpeg80+jpeg80+jpeg80|at most 4 steps"})
    void perturbationsRefuseWithAReadableReason(String text, String reason) {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Perturbation.of(text));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
        List<ValidationError> errors = CalibrateJobSpec.validate(json("{'negative_model': 'm', 'perturbations': ['"
                + text + "']}"));
        assertTrue(errors.stream().anyMatch(err -> err.field().equals("perturbations")), errors.toString());
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            "{'positives': 4}|negatives",
            "{'negative_model': 'm', 'positive_psi': [1, 0.5]}|positive_psi",
            "{'negative_model': 'm', 'positive_psi': 'high'}|positive_psi",
            "{'negative_model': 'm', 'positive_noise_modes': ['loud']}|positive_noise_modes",
            "{'negative_model': 'm', 'positive_noise_modes': []}|positive_noise_modes",
            "{'negative_model': 'm', 'perturbations': 'jpeg80'}|perturbations",
            "{'negative_model': 'm', 'negatives': [{'upload': '" + UPLOAD + "'}]}|negatives",
            "{'negatives': [{'upload': '" + UPLOAD + "'}]}|negatives",
            "{'negative_model': 'm', 'positives': 1}|positives",
            "{'negative_model': 'm', 'fpr': 1}|fpr"})
    void calibrationRefusesWithTheFieldNamed(String body, String field) {
        List<ValidationError> errors = CalibrateJobSpec.validate(json(body));
        assertTrue(errors.stream().anyMatch(e -> e.field().equals(field)), errors.toString());
    }
}
