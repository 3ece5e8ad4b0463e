package ai.stylefarm.gateway.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.stylefarm.domain.testing.TestRows;
import ai.stylefarm.gateway.testing.Api;
import ai.stylefarm.gateway.testing.FarmStack;
import ai.stylefarm.schemas.ObjectKeys;
import io.agroal.api.AgroalDataSource;
import io.minio.StatObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/** Who may call what, and the operators' endpoints, against the real stack. */
@QuarkusTest
@QuarkusTestResource(FarmStack.class)
class AccessAndOpsTest {
    @Inject
    AgroalDataSource db;

    @Test
    void aRequestWithoutAValidKeyIsRefusedNamingTheHeader() {
        given().get("/v1/jobs").then().statusCode(401).body("field", equalTo("Authorization"));
        Api.as("sfk_not-a-key").get("/v1/jobs").then().statusCode(401);
        given().header("Authorization", "Basic abc").get("/v1/jobs").then().statusCode(401);
        given().get("/q/health/ready").then().statusCode(200);
    }

    @Test
    void aUserKeyIsForItsTenantAndAnAdminKeyForTheFarm() {
        String user = Api.newTenantUser(Api.uniqueTenant());
        Api.as(user).get("/v1/workers").then().statusCode(403);
        Api.as(user).post("/v1/workers/w/drain").then().statusCode(403);
        Api.as(user).body("{\"id\": \"x\"}").post("/v1/tenants").then().statusCode(403);
        Api.admin().get("/v1/workers").then().statusCode(200);
    }

    @Test
    void revokingAKeyStopsItOnItsNextRequest() {
        String user = Api.newTenantUser(Api.uniqueTenant());
        Api.as(user).get("/v1/keys").then().statusCode(200);
        Api.as(user).delete("/v1/keys/current").then().statusCode(200);
        Api.as(user).get("/v1/keys").then().statusCode(401);
    }

    @Test
    void theVocabularyClientsFilterByComesFromTheApi() {
        Api.admin().get("/v1/meta").then().statusCode(200)
                .body("job_states", hasItems("QUEUED", "PAUSED", "FAILED"))
                .body("task_states", hasItems("PENDING", "WAITING", "RELEASED"))
                .body("job_kinds", hasItems("generate", "calibrate"))
                .body("priorities.interactive", equalTo(8)).body("priorities.bulk", equalTo(2));
    }

    @Test
    void aModelIdWithCapitalsIsRefusedSayingWhatAnIdIs() {
        Api.admin().contentType("application/json")
                .body("{\"id\": \"MyModel\", \"random_init\": {\"config\": \"tiny32\", \"seed\": 1}}")
                .post("/v1/models").then().statusCode(422).body("field", equalTo("id"))
                .body("detail", org.hamcrest.Matchers.containsString("'MyModel' is not a model id: 1 to 64 of a-z"));
        Api.admin().contentType("application/octet-stream").body(new byte[] {1, 2, 3}).post("/v1/models?id=MyModel")
                .then().statusCode(422).body("field", equalTo("id"));
    }

    @Test
    void aKeyTellsWhoItBelongsTo() {
        String tenant = Api.uniqueTenant();
        Api.as(Api.newTenantUser(tenant)).get("/v1/whoami").then().statusCode(200)
                .body("tenant", equalTo(tenant)).body("role", equalTo("user"));
        Api.admin().get("/v1/whoami").then().statusCode(200).body("role", equalTo("admin"));
        given().get("/v1/whoami").then().statusCode(401);
    }

    @Test
    void drainingAWorkerPutsItsMarkerInTheBucketAndUndrainingRemovesIt() throws Exception {
        TestRows.update(db, "INSERT INTO workers (id) VALUES ('gw-test-worker') ON CONFLICT DO NOTHING");
        Api.admin().post("/v1/workers/gw-test-worker/drain").then().statusCode(200)
                .body("status", equalTo("drained"));
        StatObjectArgs marker = StatObjectArgs.builder().bucket(FarmStack.bucket())
                .object(ObjectKeys.drainMarker("gw-test-worker")).build();
        FarmStack.s3().statObject(marker);
        Api.admin().delete("/v1/workers/gw-test-worker/drain").then().statusCode(200)
                .body("status", equalTo("active"));
        assertThrows(ErrorResponseException.class, () -> FarmStack.s3().statObject(marker));
        Api.admin().post("/v1/workers/no-such-worker/drain").then().statusCode(404).body("field", equalTo("id"));
        Api.admin().post("/v1/workers/" + "w".repeat(300) + "/drain").then().statusCode(404);
    }
}
