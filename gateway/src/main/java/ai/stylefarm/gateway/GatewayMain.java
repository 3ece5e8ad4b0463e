package ai.stylefarm.gateway;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * The gateway's entry point. Quarkus answers a request target that {@link java.net.URI} cannot parse with a bare 400
 * before any handler of ours runs; with its check off, {@code HttpGuard} refuses such targets itself, with a problem
 * that names what is wrong.
 */
@QuarkusMain
public final class GatewayMain {
    private GatewayMain() {
    }

    public static void main(String... args) {
        System.setProperty("vertx.disableURIValidation", "true");
        Quarkus.run(args);
    }
}
