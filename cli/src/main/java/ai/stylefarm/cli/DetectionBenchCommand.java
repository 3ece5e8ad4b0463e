package ai.stylefarm.cli;

import ai.stylefarm.cli.client.GatewayClient;
import ai.stylefarm.schemas.documents.Documents;
import ai.stylefarm.schemas.documents.ProjectionReportDocument;
import ai.stylefarm.schemas.documents.TargetMetrics;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The deepfake check measured through the farm: every image of an evaluation set (made by
 * {@code infra/bench/make_detection_sets.py}: {@code index.json} labels each file positive or negative and names its
 * variant) is uploaded and projected by one project job; the report's distances give the AUC of each positive
 * variant against all negatives and against each negative set, for the detection distance and for the pixel MSE
 * beside it, and each set's distance distribution.
 */
@Command(name = "bench-detection", mixinStandardHelpOptions = true,
        description = "Project an evaluation set through the farm and print the AUC per variant and the distances.")
final class DetectionBenchCommand implements Callable<Integer> {
    @Mixin
    FarmConnection farm;

    @Option(names = "--model", required = true, description = "registered model the set was made with")
    String model;

    @Option(names = "--set", required = true, description = "set directory with index.json")
    Path set;

    @Option(names = "--steps", description = "optimisation steps per image (default 1000)")
    Integer steps;

    private record Entry(String file, boolean positive, String variant) {}

    @Override
    public Integer call() throws Exception {
        JsonNode index = new ObjectMapper().readTree(set.resolve("index.json").toFile());
        List<Entry> entries = new ArrayList<>();
        for (JsonNode e : index) {
            entries.add(new Entry(e.path("file").asText(), e.path("label").asInt() == 1, e.path("variant").asText()));
        }
        GatewayClient client = farm.client();
        ObjectNode spec = JsonNodeFactory.instance.objectNode();
        spec.set("targets", ProjectCommand.upload(client, entries.stream().map(e -> set.resolve(e.file())).toList()));
        ProjectCommand.settings(spec, steps, null, true, null);
        JsonNode job = client.submit(Submission.request("project", model, "bulk", spec));
        UUID id = UUID.fromString(job.path("id").asText());
        System.err.println("job " + id + ": " + entries.size() + " projections");
        if (Submission.finish(client, id, null) != 0) {
            return 1;
        }
        List<TargetMetrics> targets = report(client, id).targets();
        print(entries, targets, "distance", TargetMetrics::distance);
        print(entries, targets, "pixel MSE", TargetMetrics::mse);
        return 0;
    }

    private static ProjectionReportDocument report(GatewayClient client, UUID id) throws Exception {
        for (JsonNode a : client.artifacts(id)) {
            if (a.path("key").asText().endsWith("/report.json")) {
                Path file = Files.createTempFile("report-", ".json");
                try {
                    client.download(a.path("url").asText(), file);
                    return Documents.read(Files.readAllBytes(file), ProjectionReportDocument.class);
                } finally {
                    Files.deleteIfExists(file);
                }
            }
        }
        throw new IllegalStateException("job " + id + " has no report.json");
    }

    private static void print(List<Entry> entries, List<TargetMetrics> targets, String name,
                              ToDoubleFunction<TargetMetrics> stat) {
        Map<String, List<Double>> positives = new LinkedHashMap<>();
        Map<String, List<Double>> negatives = new LinkedHashMap<>();
        for (TargetMetrics t : targets) {
            Entry e = entries.get(t.index());
            (e.positive() ? positives : negatives).computeIfAbsent(e.variant(), v -> new ArrayList<>())
                    .add(stat.applyAsDouble(t));
        }
        double[] allNegatives = negatives.values().stream().flatMap(List::stream).mapToDouble(Double::doubleValue)
                .toArray();
        System.out.printf(Locale.ROOT, "%n%s: AUC of each positive variant against all negatives and each set%n", name);
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-30s %5s %8s", "variant", "n", "all"));
        negatives.keySet().forEach(k -> header.append(String.format(Locale.ROOT, " %14s", k)));
        System.out.println(header);
        for (Map.Entry<String, List<Double>> p : positives.entrySet()) {
            double[] pos = toArray(p.getValue());
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-30s %5d %8.3f", p.getKey(), pos.length,
                    auc(pos, allNegatives)));
            negatives.values().forEach(n -> row.append(String.format(Locale.ROOT, " %14.3f", auc(pos, toArray(n)))));
            System.out.println(row);
        }
        System.out.printf(Locale.ROOT, "%s distributions: min / median / max%n", name);
        Map<String, List<Double>> all = new LinkedHashMap<>(positives);
        negatives.forEach((k, v) -> all.put("negative " + k, v));
        all.forEach((k, v) -> {
            double[] d = toArray(v);
            Arrays.sort(d);
            System.out.printf(Locale.ROOT, "%-36s %10.4g %10.4g %10.4g%n", k, d[0], d[d.length / 2], d[d.length - 1]);
        });
    }

    private static double[] toArray(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** Probability that a positive is closer than a negative, ties counting half. */
    static double auc(double[] positives, double[] negatives) {
        double wins = 0;
        for (double p : positives) {
            for (double n : negatives) {
                wins += p < n ? 1 : p == n ? 0.5 : 0;
            }
        }
        return wins / ((double) positives.length * negatives.length);
    }
}
