package ai.stylefarm.cli;

import ai.stylefarm.cli.client.GatewayClient;
import ai.stylefarm.schemas.documents.Documents;
import ai.stylefarm.schemas.documents.ProjectionReportDocument;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./farm calibrate}: learns the projection distance threshold that separates a model's images from others. */
@Command(name = "calibrate", mixinStandardHelpOptions = true,
        description = "Project K images the model renders and K it did not make; store the distance threshold at the"
                + " chosen false-positive rate on the model, and print the ROC's AUC.")
final class CalibrateCommand implements Callable<Integer> {
    @Mixin
    FarmConnection farm;

    @Option(names = "--model", required = true, description = "model id to calibrate")
    String model;

    @ArgGroup(multiplicity = "1")
    Negatives negatives;

    static final class Negatives {
        @Option(names = "--negatives", description = "directory of PNG/JPEG images the model did not make")
        Path dir;

        @Option(names = "--negative-model", description = "another model whose renders serve as negatives")
        String model;
    }

    @Option(names = "--positives", description = "images the model renders from fresh seeds (default 16)")
    Integer positives;

    @Option(names = "--positive-noise-modes", split = ",", paramLabel = "MODE",
            description = "noise modes the positives are rendered with: const, random, none (default const)")
    List<String> noiseModes;

    @Option(names = "--positive-psi", paramLabel = "PSI|MIN,MAX", split = ",",
            description = "ψ of the positives, or a range drawn from uniformly (default 1)")
    List<Double> psi;

    @Option(names = "--perturbations", split = ",", paramLabel = "P",
            description = "what happens to the positives before projection, dealt out in turn: none, jpegQ, "
                    + "resizeF-FILTER (nearest, box, bilinear, bicubic, lanczos), joined by + (default none)")
    List<String> perturbations;

    @Option(names = "--fpr", description = "false-positive rate of the threshold (default 0.05)")
    Double fpr;

    @Option(names = "--steps", description = "optimisation steps per image (default 1000)")
    Integer steps;

    @Option(names = "--space", description = "w (default) or w_plus")
    String space;

    @Option(names = "--priority", description = "interactive, normal, bulk, or 0 to 9 (default normal)")
    String priority;

    @Option(names = "--download", description = "download the report and projections into this directory")
    Path download;

    @Override
    public Integer call() throws Exception {
        GatewayClient client = farm.client();
        ObjectNode spec = JsonNodeFactory.instance.objectNode();
        if (negatives.dir != null) {
            List<Path> images = images(negatives.dir);
            spec.set("negatives", ProjectCommand.upload(client, images));
            if (positives == null) {
                positives = images.size();
            }
        } else {
            spec.put("negative_model", negatives.model);
        }
        if (positives != null) {
            spec.put("positives", positives);
        }
        if (fpr != null) {
            spec.put("fpr", fpr);
        }
        if (noiseModes != null) {
            noiseModes.forEach(spec.putArray("positive_noise_modes")::add);
        }
        if (psi != null) {
            if (psi.size() == 1) {
                spec.put("positive_psi", psi.get(0));
            } else {
                psi.forEach(spec.putArray("positive_psi")::add);
            }
        }
        if (perturbations != null) {
            perturbations.forEach(spec.putArray("perturbations")::add);
        }
        ProjectCommand.settings(spec, steps, space, true, null);
        JsonNode job = client.submit(Submission.request("calibrate", model, priority, spec));
        UUID id = UUID.fromString(job.path("id").asText());
        System.out.println("job " + id + " accepted (" + job.path("items").path("total").asLong() + " projections)");
        int code = Submission.finish(client, id, download);
        if (code == 0) {
            for (JsonNode a : client.artifacts(id)) {
                if (a.path("key").asText().endsWith("/report.json")) {
                    Path report = Files.createTempFile("report-", ".json");
                    try {
                        client.download(a.path("url").asText(), report);
                        ProjectionReportDocument.Calibration c = Documents.read(Files.readAllBytes(report),
                                ProjectionReportDocument.class).calibration();
                        System.out.printf(Locale.ROOT, "AUC %.3f; at threshold %.6g: false positives %.1f %%,"
                                + " true positives %.1f %%%n", c.auc(), c.threshold(), 100 * c.fpr(), 100 * c.tpr());
                        if (c.variants() != null && c.variants().size() > 1) {
                            System.out.printf(Locale.ROOT, "%-36s %9s %6s %6s %10s%n", "positives rendered as",
                                    "positives", "AUC", "TPR", "median");
                            for (ProjectionReportDocument.VariantAuc v : c.variants()) {
                                System.out.printf(Locale.ROOT, "%-36s %9d %6.3f %6.3f %10.4g%n", v.variant(),
                                        v.positives(), v.auc(), v.tpr(), v.distances().median());
                            }
                        }
                    } finally {
                        Files.deleteIfExists(report);
                    }
                }
            }
            for (JsonNode row : client.models()) {
                if (row.path("id").asText().equals(model)) {
                    System.out.printf(Locale.ROOT, "model %s: projection threshold %.6g%n", model,
                            row.path("projection_threshold").asDouble());
                }
            }
        }
        return code;
    }

    private static List<Path> images(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> images = files.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT)
                    .matches(".*\\.(png|jpe?g)")).sorted().toList();
            if (images.size() < 2) {
                throw new IllegalArgumentException(dir + " holds " + images.size() + " PNG/JPEG images; at least 2 are"
                        + " needed");
            }
            return images;
        }
    }
}
