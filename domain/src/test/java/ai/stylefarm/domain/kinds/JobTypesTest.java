package ai.stylefarm.domain.kinds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stylefarm.domain.jobs.JobRepository;
import ai.stylefarm.domain.models.ModelRepository;
import ai.stylefarm.domain.testing.TestDatabase;
import ai.stylefarm.domain.testing.TestRows;
import ai.stylefarm.domain.uploads.UploadRepository;
import ai.stylefarm.schemas.JobKind;
import ai.stylefarm.schemas.Messages;
import ai.stylefarm.schemas.PlannedTask;
import ai.stylefarm.schemas.TaskKind;
import ai.stylefarm.schemas.ValidationError;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every job kind through its one type: accepted against a real model row, counted, planned. */
class JobTypesTest {
    private static final Planning PLANNING = new Planning(4, 30);
    private static final Map<JobKind, String> SPECS = Map.of(
            JobKind.GENERATE, "{\"seeds\": \"0-9\"}",
            JobKind.STYLE_MIX, "{\"row_seeds\": \"1,2\", \"col_seeds\": \"3,4,5\"}",
            JobKind.INTERPOLATE, "{\"seeds\": \"1,2,3\", \"frames_per_keyframe\": 40}");

    private DataSource db;
    private ModelRepository models;

    @BeforeEach
    void aTenantAndAModel() {
        db = TestDatabase.fresh();
        TestRows.tenant(db, "t");
        TestRows.readyModel(db, "m", null);
        TestRows.update(db, "UPDATE models SET metadata = '{\"resolution\": 32, \"z_dim\": 8, \"w_dim\": 8,"
                + " \"num_ws\": 8, \"c_dim\": 0}'");
        models = new ModelRepository(db);
    }

    @Test
    void everyKindHasItsOwnTypeAndAQuotaFieldInItsSpec() {
        for (JobKind kind : JobKind.values()) {
            assertEquals(kind, JobType.of(kind).kind());
            assertTrue(JobType.of(kind).quotaField().startsWith("spec."), kind.value());
            assertTrue(!JobType.of(kind).outputs().isEmpty(), kind.value());
        }
    }

    @Test
    void anAcceptedSpecIsPlannedIntoItsTaskCountDeterministically() throws Exception {
        UUID job = UUID.randomUUID();
        for (Map.Entry<JobKind, String> e : SPECS.entrySet()) {
            JobType type = JobType.of(e.getKey());
            Submission s = submission();
            Accepted accepted = type.accept(json(e.getValue()), s);
            assertEquals(List.of(), s.errors(), e.getKey().value());
            int count = type.taskCount(accepted.spec(), PLANNING);
            List<PlannedTask> all = type.plan(job, accepted.spec(), 0, 1000, PLANNING);
            assertEquals(count, all.size(), e.getKey().value());
            List<PlannedTask> tail = type.plan(job, accepted.spec(), count - 1, 1000, PLANNING);
            assertEquals(all.get(count - 1), tail.get(0), "task i is a function of i alone");
            for (PlannedTask t : all) {
                TaskKind.of(t.kind().value()).readSpec(t.specJson()).describe();
            }
        }
        assertEquals(3, JobType.of(JobKind.GENERATE).taskCount(json("{\"seeds\": \"0-9\"}"), PLANNING));
    }

    @Test
    void itemsCountWhatQuotasCountAndOutputsWhatProgressCounts() throws Exception {
        Accepted video = JobType.of(JobKind.INTERPOLATE).accept(json(SPECS.get(JobKind.INTERPOLATE)), submission());
        assertNotNull(video);
        assertEquals(video.items(), video.outputs(), "one grid cell: an image per frame");
        Accepted mix = JobType.of(JobKind.STYLE_MIX).accept(json(SPECS.get(JobKind.STYLE_MIX)), submission());
        assertTrue(mix.items() >= 6, "every cell: " + mix.items());
    }

    @Test
    void whatOnlyTheModelAndTheTenantsDataCanAnswerIsAProblemOfItsField() throws Exception {
        Submission s = submission();
        JobType.of(JobKind.GENERATE).accept(json("{\"seeds\": \"0-9\", \"truncation_cutoff\": 99}"), s);
        assertEquals(List.of("spec.truncation_cutoff"), s.errors().stream().map(ValidationError::field).toList());
        Submission project = submission();
        JobType.of(JobKind.PROJECT).accept(json("{\"targets\": [{\"upload\": \"" + UUID.randomUUID() + "\"}]}"),
                project);
        assertTrue(project.errors().stream().anyMatch(e -> e.field().equals("spec.targets[0].upload")),
                project.errors().toString());
    }

    private Submission submission() {
        return new Submission("t", false, models.findByKey("m").orElseThrow(), models, new UploadRepository(db),
                new JobRepository(db));
    }

    private static JsonNode json(String text) throws Exception {
        return Messages.mapper().readTree(text);
    }
}
