package ai.stylefarm.gateway.testing;

import ai.stylefarm.schemas.GenerateTaskSpec;
import ai.stylefarm.schemas.ImageFormat;
import ai.stylefarm.schemas.Layout;
import ai.stylefarm.schemas.Messages;
import ai.stylefarm.schemas.NoiseMode;
import ai.stylefarm.schemas.Seeds;
import com.fasterxml.jackson.core.JsonProcessingException;

/** The models the gateway's tests submit to, registered once per test run. */
public final class Models {
    /** A shared, randomly initialised 32×32 model that every tenant may use. */
    public static final String TINY = "tiny";
    private static boolean registered;

    private Models() {
    }

    public static synchronized void sharedTiny() {
        if (!registered) {
            Api.admin().queryParam("shared", "true").body("{\"id\": \"" + TINY + "\", \"random_init\": {\"config\":"
                    + " \"tiny32\", \"seed\": 7}}").post("/v1/models").then().statusCode(201);
            registered = true;
        }
    }

    /** A generate task's spec, as the scheduler stores it, for seeds {@code first} to {@code last}. */
    public static String generateTaskSpec(long first, long last) {
        try {
            return Messages.mapper().writeValueAsString(new GenerateTaskSpec(Seeds.range(first, last), 1.0, null,
                    null, NoiseMode.CONST, ImageFormat.PNG, Layout.FILES, "jobs/x/images/"));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
