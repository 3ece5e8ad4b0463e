package ai.stylefarm.cli;

import ai.stylefarm.cli.client.GatewayClient;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.util.Locale;
import java.util.UUID;

/** A project or calibrate job's targets as a table: name, distance, PSNR, the threshold judged by, and the verdict. */
final class ProjectionTable {
    private static final int NAME_WIDTH = 28;

    private ProjectionTable() {
    }

    static boolean appliesTo(JsonNode job) {
        String kind = job.path("kind").asText();
        return kind.equals("project") || kind.equals("calibrate");
    }

    static void print(GatewayClient client, UUID id, PrintStream out) {
        JsonNode report = client.projections(id);
        JsonNode targets = report.path("targets");
        boolean labelled = false;
        for (JsonNode t : targets) {
            labelled |= t.hasNonNull("label");
        }
        out.printf(Locale.ROOT, "%4s  %-" + NAME_WIDTH + "s %s%10s %9s %10s  %s%n", "#", "target",
                labelled ? String.format("%-9s ", "label") : "", "distance", "PSNR", "threshold", "verdict");
        for (JsonNode t : targets) {
            JsonNode verdict = t.path("verdict");
            out.printf(Locale.ROOT, "%4d  %-" + NAME_WIDTH + "s %s%10s %9s %10s  %s%n", t.path("index").asInt(),
                    shorten(t.path("target").asText("")),
                    labelled ? String.format("%-9s ", t.path("label").asText("")) : "",
                    number(t.path("distance"), "%.4g"), number(t.path("psnr"), "%.1f dB"),
                    number(verdict.path("threshold"), "%.4g"), words(verdict));
        }
        if (report.path("truncated").asBoolean()) {
            out.println("  (the first " + targets.size() + " targets; report.json in the job's outputs has every one)");
        }
    }

    /** What the verdict means for a reader, as the dashboard says it. */
    static String words(JsonNode verdict) {
        if (verdict.isMissingNode() || verdict.isNull()) {
            return "running";
        }
        if (!"calibrated".equals(verdict.path("status").asText())) {
            return "uncalibrated (./farm calibrate sets a threshold)";
        }
        return verdict.path("generated_by_model").asBoolean() ? "made by this model" : "not made by this model";
    }

    private static String number(JsonNode value, String format) {
        return value.isNumber() ? String.format(Locale.ROOT, format, value.asDouble()) : "-";
    }

    private static String shorten(String name) {
        return name.length() <= NAME_WIDTH ? name : "…" + name.substring(name.length() - NAME_WIDTH + 1);
    }
}
