package ai.stylefarm.cli;

import ai.stylefarm.cli.client.GatewayClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ./farm project}: uploads images and projects each into a model, as NVIDIA's projector.py. */
@Command(name = "project", mixinStandardHelpOptions = true,
        description = "Project images into a model's latent space (one task per image, in parallel) and report, per"
                + " image, the distance and whether the model likely made it.")
final class ProjectCommand implements Callable<Integer> {
    @Mixin
    FarmConnection farm;

    @Option(names = "--model", required = true, description = "model id (./farm models list)")
    String model;

    @Parameters(paramLabel = "IMG", arity = "1..*", description = "PNG or JPEG files")
    List<Path> images;

    @Option(names = "--steps", description = "optimisation steps per image (default 1000)")
    Integer steps;

    @Option(names = "--space", description = "w (default) or w_plus")
    String space;

    @Option(names = "--no-noise", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "optimise the noise maps too (default: yes)")
    boolean optimizeNoise;

    @Option(names = "--seed", description = "seed of the exploration noise (default 303)")
    Long seed;

    @Option(names = "--video", description = "also write proj.mp4 per image: the target beside the synthesis")
    boolean video;

    @Mixin
    Submission submission;

    @Override
    public Integer call() throws Exception {
        GatewayClient client = farm.client();
        ObjectNode spec = JsonNodeFactory.instance.objectNode();
        spec.set("targets", upload(client, images));
        settings(spec, steps, space, optimizeNoise, seed);
        if (video) {
            spec.put("save_video", true);
        }
        return submission.submit(client, "project", model, spec);
    }

    /** Uploads each file and returns the targets list that names them. */
    static ArrayNode upload(GatewayClient client, List<Path> files) {
        ArrayNode targets = JsonNodeFactory.instance.arrayNode();
        for (Path file : files) {
            JsonNode upload = client.uploadImage(file);
            targets.addObject().put("upload", upload.path("id").asText());
        }
        return targets;
    }

    static void settings(ObjectNode spec, Integer steps, String space, boolean optimizeNoise, Long seed) {
        if (steps != null) {
            spec.put("steps", steps);
        }
        if (space != null) {
            spec.put("space", space);
        }
        if (!optimizeNoise) {
            spec.put("optimize_noise", false);
        }
        if (seed != null) {
            spec.put("seed", seed);
        }
    }
}
