package ai.stylefarm.gateway.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stylefarm.domain.jobs.NewJob;
import ai.stylefarm.gateway.api.ApiException;
import ai.stylefarm.gateway.api.Problem;
import ai.stylefarm.gateway.testing.Api;
import ai.stylefarm.gateway.testing.FarmStack;
import ai.stylefarm.gateway.testing.Models;
import ai.stylefarm.schemas.JobKind;
import ai.stylefarm.schemas.Messages;
import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The validator as the gateway runs it: each kind's spec checked against the model it names. */
@QuarkusTest
@QuarkusTestResource(FarmStack.class)
class JobValidatorTest {
    @Inject
    JobValidator validator;

    String tenant;

    @BeforeEach
    void aTenant() {
        Models.sharedTiny();
        tenant = Api.uniqueTenant();
        Api.newTenantUser(tenant);
    }

    @Test
    void aValidJobIsNormalisedAndCounted() throws Exception {
        NewJob job = validator.validate(json("{\"kind\": \"style_mix\", \"model\": \"tiny\", \"spec\": {\"row_seeds\":"
                + " \"1,2\", \"col_seeds\": \"3,4,5\"}}"), tenant, false, null);
        assertEquals(JobKind.STYLE_MIX, job.kind());
        assertEquals(Models.TINY, job.modelSlug());
        assertTrue(job.items() >= 6, "every cell counts: " + job.items());
    }

    @Test
    void whatOnlyTheModelCanAnswerIsCheckedAgainstIt() {
        assertEquals(List.of("spec.styles"), fields("{\"kind\": \"style_mix\", \"model\": \"tiny\", \"spec\":"
                + " {\"row_seeds\": \"1\", \"col_seeds\": \"2\", \"styles\": \"0-99\"}}"));
        assertEquals(List.of("spec.class_idx"), fields("{\"kind\": \"generate\", \"model\": \"tiny\", \"spec\":"
                + " {\"seeds\": \"1\", \"class_idx\": 3}}"));
        assertEquals(List.of("spec.keyframes[0]"), fields("{\"kind\": \"interpolate\", \"model\": \"tiny\", \"spec\":"
                + " {\"keyframes\": [{\"w\": [1, 2]}, {\"seed\": 1}]}}"));
    }

    @Test
    void onlyAnAdminCalibratesASharedModel() {
        List<String> fields = fields("{\"kind\": \"calibrate\", \"model\": \"tiny\", \"spec\": {\"positives\": 4,"
                + " \"negative_model\": \"nope\"}}");
        assertTrue(fields.contains("model"), fields.toString());
    }

    @Test
    void theDomainNamesTheProjectionGraphAsTheModelKitWritesIt() {
        assertEquals(ai.stylefarm.modelkit.bundle.ModelBundle.PROJECTION_STEP,
                ai.stylefarm.domain.kinds.Submission.PROJECTION_STEP);
    }

    private List<String> fields(String body) {
        ApiException e = assertThrows(ApiException.class, () -> validator.validate(json(body), tenant, false, null));
        return e.problem().errors().stream().map(Problem.FieldError::field).toList();
    }

    private static JsonNode json(String text) throws com.fasterxml.jackson.core.JsonProcessingException {
        return Messages.mapper().readTree(text);
    }
}
