package ai.stylefarm.gateway.api;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;

import ai.stylefarm.domain.models.ModelRepository;
import ai.stylefarm.domain.testing.JobBuilder;
import ai.stylefarm.domain.testing.TestRows;
import ai.stylefarm.gateway.testing.Api;
import ai.stylefarm.gateway.testing.FarmStack;
import ai.stylefarm.gateway.testing.Models;
import ai.stylefarm.schemas.JobState;
import ai.stylefarm.schemas.TaskState;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code /v1/jobs} against the real stack: submission, visibility and the operator's controls. */
@QuarkusTest
@QuarkusTestResource(FarmStack.class)
class JobsResourceTest {
    @Inject
    AgroalDataSource db;

    String tenant;
    String key;
    String model;

    @BeforeEach
    void aTenantWithAUserKey() {
        Models.sharedTiny();
        tenant = Api.uniqueTenant();
        key = Api.newTenantUser(tenant);
        model = new ModelRepository(db).find(Models.TINY, tenant).orElseThrow().key();
    }

    @Test
    void aValidJobIsAcceptedWithItsLocationAndAReplayedIdempotencyKeyReturnsIt() {
        String body = "{\"kind\": \"generate\", \"model\": \"tiny\", \"priority\": \"bulk\", \"spec\": {\"seeds\": \"0-9\"}}";
        String id = Api.as(key).header("Idempotency-Key", "k1").body(body).post("/v1/jobs").then().statusCode(202)
                .header("Location", endsWith("/v1/jobs/" + Api.as(key).header("Idempotency-Key", "k1").body(body)
                        .post("/v1/jobs").then().statusCode(200).extract().path("id")))
                .body("state", equalTo("QUEUED")).body("priority", equalTo(2)).body("items.total", equalTo(10))
                .body("actions", hasItems("cancel", "priority")).extract().path("id");
        Api.as(key).get("/v1/jobs/" + id).then().statusCode(200).body("spec.seeds", equalTo("0-9"));
    }

    @Test
    void everyProblemOfABadJobIsNamedByItsField() {
        Api.as(key).body("{\"kind\": \"generate\", \"model\": \"tiny\", \"priority\": 12, \"spec\": {\"seeds\": \"9-1\","
                        + " \"colour\": 1}, \"extra\": true}").post("/v1/jobs").then().statusCode(422)
                .body("errors.field", hasItems("priority", "spec.seeds", "spec.colour", "extra"));
        Api.as(key).body("{\"kind\": \"paint\", \"model\": \"nope\", \"spec\": {}}").post("/v1/jobs").then()
                .statusCode(422).body("errors.field", hasItems("kind", "model"));
    }

    @Test
    void aJobIsFoundByTheStartOfItsIdAndJobsAreFilteredByModel() {
        String id = Api.as(key).body("{\"kind\": \"generate\", \"model\": \"tiny\", \"spec\": {\"seeds\": \"0-3\"}}")
                .post("/v1/jobs").then().statusCode(202).extract().path("id");
        Api.as(key).get("/v1/jobs?id_prefix=" + id.substring(0, 8)).then().statusCode(200)
                .body("items.id", equalTo(java.util.List.of(id)));
        Api.as(key).get("/v1/jobs?model=tiny").then().statusCode(200).body("items.id", hasItems(id));
        Api.as(key).get("/v1/jobs?model=another").then().statusCode(200).body("items", org.hamcrest.Matchers.empty());
        Api.as(key).get("/v1/jobs?id_prefix=6f%25").then().statusCode(400).body("field", equalTo("id_prefix"));
        Api.as("sfk_" + "x".repeat(8)).get("/v1/jobs?id_prefix=" + id.substring(0, 8)).then().statusCode(401);
    }

    @Test
    void anotherTenantsJobDoesNotExistForTheCaller() {
        UUID theirs = new JobBuilder(db).tenant(FarmStack.ADMIN_TENANT).model(model).tasks(TaskState.RUNNING).insert();
        Api.as(key).get("/v1/jobs/" + theirs).then().statusCode(404).body("field", equalTo("id"));
        Api.as(key).post("/v1/jobs/" + theirs + "/pause").then().statusCode(404);
        Api.admin().get("/v1/jobs/" + theirs).then().statusCode(200);
    }

    @Test
    void aRunningJobIsPausedGivenANewPriorityAndResumed() {
        UUID id = new JobBuilder(db).tenant(tenant).model(model).tasks(TaskState.RUNNING, TaskState.PENDING).insert();
        Api.as(key).post("/v1/jobs/" + id + "/pause").then().statusCode(200).body("state", equalTo("PAUSED"))
                .body("actions", hasItem("resume")).body("actions", not(hasItem("pause")));
        Api.as(key).post("/v1/jobs/" + id + "/pause").then().statusCode(200);
        Api.as(key).body("{\"priority\": \"interactive\"}").patch("/v1/jobs/" + id).then().statusCode(200)
                .body("priority", equalTo(8));
        Api.as(key).post("/v1/jobs/" + id + "/resume").then().statusCode(200).body("state", equalTo("RUNNING"));
        Api.as(key).post("/v1/jobs/" + id + "/resume").then().statusCode(409)
                .body("detail", containsString("is RUNNING"));
    }

    @Test
    void aNewPriorityIsCheckedLikeASubmittedOne() {
        UUID id = new JobBuilder(db).tenant(tenant).model(model).tasks(TaskState.RUNNING).insert();
        Api.as(key).body("{\"priority\": 10}").patch("/v1/jobs/" + id).then().statusCode(422)
                .body("errors.field", hasItem("priority"));
        Api.as(key).body("{\"state\": \"SUCCEEDED\"}").patch("/v1/jobs/" + id).then().statusCode(422)
                .body("field", equalTo("state"));
        Api.as(key).body("{}").patch("/v1/jobs/" + id).then().statusCode(422).body("field", equalTo("priority"));
        Api.as(key).body("[1]").patch("/v1/jobs/" + id).then().statusCode(400);
        UUID ended = new JobBuilder(db).tenant(tenant).model(model).state(JobState.SUCCEEDED)
                .tasks(TaskState.SUCCEEDED).insert();
        Api.as(key).body("{\"priority\": 3}").patch("/v1/jobs/" + ended).then().statusCode(409);
    }

    @Test
    void aFailedJobsFailedTasksAreRequeuedInPlaceOnce() {
        UUID id = new JobBuilder(db).tenant(tenant).model(model).state(JobState.FAILED)
                .tasks(TaskState.SUCCEEDED, TaskState.FAILED).insert();
        Api.as(key).get("/v1/jobs/" + id).then().body("actions", hasItems("requeue", "retry", "delete"));
        Api.as(key).post("/v1/jobs/" + id + "/requeue").then().statusCode(200).body("id", equalTo(id.toString()))
                .body("state", equalTo("RUNNING")).body("tasks.failed", equalTo(0)).body("tasks.done", equalTo(1));
        Api.as(key).get("/v1/jobs/" + id + "/tasks").then().body("counts.WAITING", equalTo(1))
                .body("counts.SUCCEEDED", equalTo(1));
        Api.as(key).post("/v1/jobs/" + id + "/requeue").then().statusCode(409).body("field", equalTo("id"));
    }

    @Test
    void aTasksPageNamesWhatItCoversAndEveryAttemptsWorkerAndError() {
        UUID id = new JobBuilder(db).tenant(tenant).model(model).state(JobState.FAILED).tasks(TaskState.FAILED)
                .taskSpec(Models.generateTaskSpec(16, 31)).insert();
        String task = TestRows.column(db, "SELECT id FROM tasks WHERE job_id = ?", id).get(0);
        for (String[] e : new String[][] {{"TASK_STARTED", "w1", "{\"attempt\": 1}"},
                {"TASK_RETRY", "w1", "{\"attempt\": 1, \"reason\": \"storage down\"}"},
                {"TASK_STARTED", "w2", "{\"attempt\": 2}"}, {"TASK_FAILED", "w2", "{\"reason\": \"boom\"}"}}) {
            TestRows.update(db, "INSERT INTO job_events (job_id, task_id, type, actor, detail) VALUES (?, ?::uuid, ?, ?,"
                    + " ?::jsonb)", id, task, e[0], e[1], e[2]);
        }
        Api.as(key).get("/v1/jobs/" + id + "/tasks").then().body("tasks[0].range", equalTo("seeds 16-31"));
        Api.as(key).get("/v1/jobs/" + id + "/tasks/0").then().statusCode(200).body("range", equalTo("seeds 16-31"))
                .body("attempts.worker", equalTo(java.util.List.of("w1", "w2")))
                .body("attempts.outcome", equalTo(java.util.List.of("retried", "failed")))
                .body("attempts.error", equalTo(java.util.List.of("storage down", "boom")));
        Api.as(key).get("/v1/jobs/" + id + "/tasks/1").then().statusCode(404).body("field", equalTo("index"));
        Api.as(key).get("/v1/jobs/" + id + "/tasks/-1").then().statusCode(400).body("field", equalTo("index"));
    }
}
