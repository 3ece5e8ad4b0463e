package ai.stylefarm.scheduler.duties;

import ai.stylefarm.domain.models.ModelRepository;
import ai.stylefarm.domain.storage.Bucket;
import ai.stylefarm.domain.store.JobRow;
import ai.stylefarm.modelkit.io.Hashing;
import ai.stylefarm.schemas.CalibrateJobSpec;
import ai.stylefarm.schemas.JobKind;
import ai.stylefarm.schemas.Messages;
import ai.stylefarm.schemas.ObjectKeys;
import ai.stylefarm.schemas.ProjectJobSpec;
import ai.stylefarm.schemas.ProjectTaskSpec;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Finishes a project or calibrate job: one line per target from the tasks' parts (in target order) into
 * {@code manifest.jsonl}, and {@code report.json} / {@code report.csv} across all targets. A calibration also gets
 * its ROC, AUC and the threshold at the requested false-positive rate, and stores that threshold on the model so
 * that later projections give verdicts. Repeating it writes the same reports and the same threshold.
 */
final class ProjectionReport {
    private static final ObjectMapper JSON = Messages.mapper();

    private final ModelRepository models;
    private final Bucket store;

    ProjectionReport(DataSource db, Bucket store) {
        this.models = new ModelRepository(db);
        this.store = store;
    }

    ManifestAssembler.Result assemble(JobRow job) throws Exception {
        boolean calibration = JobKind.of(job.kind()) == JobKind.CALIBRATE;
        List<ObjectNode> targets = new ArrayList<>();
        StringBuilder manifest = new StringBuilder();
        for (int part = 0; part < job.tasksTotal(); part++) {
            byte[] bytes;
            try (InputStream in = store.get(ObjectKeys.manifestPart(job.id(), part))) {
                bytes = in.readAllBytes();
            }
            String line = new String(bytes, StandardCharsets.UTF_8).strip();
            ObjectNode target = (ObjectNode) JSON.readTree(line);
            if (target.path("index").asInt(-1) != part) {
                throw new ManifestAssembler.IncompleteManifestException("projection part " + part + " describes target "
                        + target.path("index"));
            }
            targets.add(target);
            manifest.append(line).append('\n');
        }
        ObjectNode report = JSON.createObjectNode();
        report.put("job_id", job.id().toString());
        report.put("kind", job.kind());
        report.put("model", modelSlug(job.modelId()));
        JsonNode spec = JSON.readTree(job.spec());
        if (calibration) {
            report.set("calibration", calibrate(job, CalibrateJobSpec.parse(spec), targets));
        } else {
            Double threshold = ProjectJobSpec.parse(spec).threshold();
            report.put("verdicts", threshold == null ? "uncalibrated" : "calibrated");
            if (threshold != null) {
                report.put("threshold", threshold);
            }
            report.put("generated_by_model", targets.stream()
                    .filter(t -> t.path("verdict").path("generated_by_model").asBoolean(false)).count());
        }
        ArrayNode list = report.putArray("targets");
        targets.forEach(list::add);

        byte[] manifestBytes = manifest.toString().getBytes(StandardCharsets.UTF_8);
        store.put(ObjectKeys.manifest(job.id()), manifestBytes, "application/x-ndjson");
        ManifestAssembler.Written manifestWritten = new ManifestAssembler.Written(ObjectKeys.manifest(job.id()),
                "manifest", manifestBytes.length, Hashing.sha256(manifestBytes), targets.size());
        return new ManifestAssembler.Result(manifestWritten, List.of(
                put(ObjectKeys.report(job.id(), "json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(report),
                        "application/json", "report"),
                put(ObjectKeys.report(job.id(), "csv"), csv(targets).getBytes(StandardCharsets.UTF_8), "text/csv",
                        "report")));
    }

    /** ROC over the positives' and negatives' distances; stores the threshold on the model. */
    private ObjectNode calibrate(JobRow job, CalibrateJobSpec spec, List<ObjectNode> targets) throws Exception {
        double[] positives = distances(targets, ProjectTaskSpec.POSITIVE);
        double[] negatives = distances(targets, ProjectTaskSpec.NEGATIVE);
        if (java.util.stream.DoubleStream.concat(java.util.Arrays.stream(positives), java.util.Arrays.stream(negatives))
                .anyMatch(d -> !Double.isFinite(d))) {
            throw new ManifestAssembler.IncompleteManifestException("a projection reported a distance that is not a"
                    + " finite number; no threshold was stored");
        }
        Roc roc = Roc.of(positives, negatives, spec.fpr());
        if (!(roc.threshold() > 0)) {
            throw new ManifestAssembler.IncompleteManifestException("the negatives reached a distance of 0, so no"
                    + " positive threshold separates them; no threshold was stored");
        }
        ObjectNode c = JSON.createObjectNode();
        c.put("auc", roc.auc());
        c.put("threshold", roc.threshold());
        c.put("target_fpr", spec.fpr());
        c.put("fpr", roc.fpr());
        c.put("tpr", roc.tpr());
        ObjectNode distributions = c.putObject("distances");
        distributions.set("positives", summary(positives));
        distributions.set("negatives", summary(negatives));
        ArrayNode points = c.putArray("roc");
        roc.points().forEach(p -> points.addObject().put("threshold", p.threshold()).put("fpr", p.fpr())
                .put("tpr", p.tpr()));
        models.setProjectionThreshold(job.modelId(), roc.threshold());
        return c;
    }

    /** The model's id as its owner named it: reports are for people, who never see the internal key. */
    private String modelSlug(String key) {
        return models.identity(key).map(ModelRepository.Identity::slug).orElse(key);
    }

    private static double[] distances(List<ObjectNode> targets, String label) {
        return targets.stream().filter(t -> label.equals(t.path("label").asText()))
                .mapToDouble(t -> t.path("distance").asDouble()).toArray();
    }

    private static ObjectNode summary(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        ObjectNode s = JSON.createObjectNode();
        s.put("count", sorted.length);
        s.put("min", sorted[0]);
        s.put("median", sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2);
        s.put("max", sorted[sorted.length - 1]);
        ArrayNode all = s.putArray("values");
        for (double v : sorted) {
            all.add(v);
        }
        return s;
    }

    private static String csv(List<ObjectNode> targets) {
        StringBuilder out = new StringBuilder("index,target,label,distance,psnr,steps,generated_by_model,threshold,"
                + "projected_w\n");
        for (ObjectNode t : targets) {
            JsonNode verdict = t.path("verdict");
            out.append(t.path("index").asInt()).append(',')
                    .append(quote(t.path("target").asText())).append(',')
                    .append(t.path("label").asText("")).append(',')
                    .append(t.path("distance").asDouble()).append(',')
                    .append(t.path("psnr").asDouble()).append(',')
                    .append(t.path("steps").asInt()).append(',')
                    .append(verdict.path("generated_by_model").isBoolean()
                            ? verdict.path("generated_by_model").asText() : "uncalibrated").append(',')
                    .append(verdict.path("threshold").isNumber() ? verdict.path("threshold").asText() : "").append(',')
                    .append(t.path("files").path(ObjectKeys.PROJECTED_W).asText("")).append('\n');
        }
        return out.toString();
    }

    /** RFC 4180: quoted when it holds a comma, quote or line break, with quotes doubled. */
    private static String quote(String s) {
        return s.matches(".*[,\"\\r\\n].*") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    private ManifestAssembler.Written put(String key, byte[] bytes, String contentType, String kind) {
        store.put(key, bytes, contentType);
        return new ManifestAssembler.Written(key, kind, bytes.length, Hashing.sha256(bytes), 0);
    }
}
