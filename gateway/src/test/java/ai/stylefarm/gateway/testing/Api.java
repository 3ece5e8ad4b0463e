package ai.stylefarm.gateway.testing;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.util.UUID;

/** Requests as a caller: the bootstrap admin, or a user of a tenant made for the test. */
public final class Api {
    private Api() {
    }

    public static RequestSpecification admin() {
        return as(FarmStack.ADMIN_KEY);
    }

    public static RequestSpecification as(String key) {
        return given().header("Authorization", "Bearer " + key).contentType(ContentType.JSON);
    }

    /** A new tenant with default quotas and a user key of it; returns the key. */
    public static String newTenantUser(String tenant) {
        admin().body("{\"id\": \"" + tenant + "\"}").post("/v1/tenants").then().statusCode(201);
        return admin().body("{\"role\": \"user\"}").post("/v1/tenants/" + tenant + "/keys").then().statusCode(201)
                .extract().path("key");
    }

    /** A tenant id no other test uses. */
    public static String uniqueTenant() {
        return "t" + UUID.randomUUID().toString().substring(0, 8);
    }
}
