package ai.stylefarm.cli;

import ai.stylefarm.cli.client.GatewayClient;
import ai.stylefarm.cli.local.AdminKeyFile;
import ai.stylefarm.cli.local.FarmState;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.StreamSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The README's first command: brings the farm up if needed, registers the bundled trained generator
 * (fashion-mnist-32, see {@code demo/fashion-mnist-32/README.md}), renders 64 seeds through the whole farm and
 * downloads them into {@code ./farm-out/<jobId>/}. A trained model, so that a newcomer sees clothes and shoes;
 * {@code --random-init CONFIG} registers a seeded random generator of a bigger config instead.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Start the farm if needed, register the bundled trained generator (Fashion-MNIST, 32x32), "
                + "render 64 seeds and download them.")
final class DemoCommand implements Callable<Integer> {
    static final String MODEL = "fashion-mnist-32";
    static final String MODEL_RESOURCE = "/demo/fashion-mnist-32/network-snapshot.pkl";
    static final String ABOUT = "a StyleGAN2 trained with NVIDIA's stylegan2-ada-pytorch on Fashion-MNIST "
            + "(32x32 greyscale, 100 kimg), bundled with StyleFarm";

    @Option(names = "--random-init", paramLabel = "CONFIG",
            description = "register a seeded random generator of this config (tiny32, small64, paper256, ...) instead")
    String randomInit;

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
        String model = randomInit == null ? MODEL : "random-" + randomInit;
        String about = randomInit == null ? ABOUT : "a seeded random-weight StyleGAN2 (" + randomInit
                + "): colour fields, not pictures";
        boolean registered = StreamSupport.stream(client.models().spliterator(), false)
                .anyMatch(m -> model.equals(m.path("id").asText()));
        if (!registered) {
            System.err.println("farm: registering " + model + ", " + about);
            if (randomInit == null) {
                registerBundled(client);
            } else {
                client.registerRandomModel(model, randomInit, 0);
            }
        }
        JsonNode job = client.generate(model, JsonNodeFactory.instance.objectNode().put("seeds", seeds));
        UUID id = UUID.fromString(job.path("id").asText());
        System.err.println("farm: job " + id + " accepted");
        Path out = Path.of("farm-out", id.toString());
        int exit = Submission.finish(client, id, out);
        if (exit == 0) {
            System.out.println("model " + model + ": " + about);
            System.out.println("images and manifest.jsonl: " + out.toAbsolutePath());
            System.out.println("dashboard: " + state.gatewayUrl() + "/#/jobs/" + id + "  (sign in with the admin key,"
                    + " ./farm up prints it)");
            System.out.println("the farm keeps running: API " + state.gatewayUrl() + "/v1, OpenAPI " + state.gatewayUrl()
                    + "/q/openapi; ./farm status, ./farm down");
        }
        return exit;
    }

    /** The gateway imports the pickle as any upload (never executed); it travels from the jar through a temp file. */
    static void registerBundled(GatewayClient client) throws IOException {
        Path pickle = Files.createTempFile("fashion-mnist-32-", ".pkl");
        try (InputStream in = DemoCommand.class.getResourceAsStream(MODEL_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the demo model is missing from this build (" + MODEL_RESOURCE + ")");
            }
            Files.copy(in, pickle, StandardCopyOption.REPLACE_EXISTING);
            client.uploadModel(MODEL, pickle);
        } finally {
            Files.deleteIfExists(pickle);
        }
    }
}
