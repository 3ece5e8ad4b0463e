package ai.stylefarm.cli;

import ai.stylefarm.cli.client.GatewayClient;
import ai.stylefarm.cli.local.AdminKeyFile;
import ai.stylefarm.cli.local.FarmState;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.StreamSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The README's first command: brings the farm up if needed, registers the demo model (the kit's seeded random
 * init), renders 64 seeds through the whole farm and downloads them into {@code ./farm-out/<jobId>/}.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Start the farm if needed, register a demo model, render 64 seeds and download them.")
final class DemoCommand implements Callable<Integer> {
    static final String MODEL = "demo";

    @Option(names = "--config", defaultValue = "small64", description = "demo model config (default: ${DEFAULT-VALUE})")
    String config;

    @Option(names = "--seeds", defaultValue = "0-63", description = "seeds to render (default: ${DEFAULT-VALUE})")
    String seeds;

    @Override
    public Integer call() throws Exception {
        Path dataDir = FarmConnection.dataDir();
        FarmState state = FarmState.readIfRunning(dataDir).orElse(null);
        if (state == null) {
            state = UpCommand.startInBackground(dataDir, 1);
        }
        GatewayClient client = new GatewayClient(state.gatewayUrl(), AdminKeyFile.forCli(dataDir));
        boolean registered = StreamSupport.stream(client.models().spliterator(), false)
                .anyMatch(m -> MODEL.equals(m.path("id").asText()));
        if (!registered) {
            System.err.println("farm: registering the demo model (" + config + ", seeded random init)");
            client.registerRandomModel(MODEL, config, 0);
        }
        JsonNode job = client.generate(MODEL, JsonNodeFactory.instance.objectNode().put("seeds", seeds));
        UUID id = UUID.fromString(job.path("id").asText());
        System.err.println("farm: job " + id + " accepted");
        Path out = Path.of("farm-out", id.toString());
        int exit = GenerateCommand.finish(client, id, out);
        if (exit == 0) {
            System.out.println("images and manifest.jsonl: " + out.toAbsolutePath());
            System.out.println("dashboard: " + state.gatewayUrl() + "/#/jobs/" + id + "  (sign in with the admin key,"
                    + " ./farm up prints it)");
            System.out.println("the farm keeps running: API " + state.gatewayUrl() + "/v1, OpenAPI " + state.gatewayUrl()
                    + "/q/openapi; ./farm status, ./farm down");
        }
        return exit;
    }
}
