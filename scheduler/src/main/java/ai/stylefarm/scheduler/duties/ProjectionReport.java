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
import ai.stylefarm.schemas.documents.Documents;
import ai.stylefarm.schemas.documents.ProjectionReportDocument.Calibration;
import ai.stylefarm.schemas.documents.ProjectionReportDocument.RocPoint;
import ai.stylefarm.schemas.documents.ProjectionReportDocument.Summary;
import ai.stylefarm.schemas.documents.ProjectionReportDocument.VariantAuc;
import ai.stylefarm.schemas.documents.ProjectionReportDocument;
import ai.stylefarm.schemas.documents.TargetMetrics.Verdict;
import ai.stylefarm.schemas.documents.TargetMetrics;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.DoubleStream;
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
        List<TargetMetrics> targets = new ArrayList<>();
        StringBuilder manifest = new StringBuilder();
        for (int part = 0; part < job.tasksTotal(); part++) {
            byte[] bytes;
            try (InputStream in = store.get(ObjectKeys.manifestPart(job.id(), part))) {
                bytes = in.readAllBytes();
            }
            String line = new String(bytes, StandardCharsets.UTF_8).strip();
            TargetMetrics target = Documents.read(line, TargetMetrics.class);
            if (target.index() != part) {
                throw new ManifestAssembler.IncompleteManifestException("projection part " + part + " describes target "
                        + target.index());
            }
            targets.add(target);
            manifest.append(line).append('\n');
        }
        JsonNode spec = JSON.readTree(job.spec());
        ProjectionReportDocument report;
        if (calibration) {
            Calibration found = calibrate(job, CalibrateJobSpec.parse(spec), targets);
            // Each target was projected before there was a threshold; the report judges it by the one just found.
            List<TargetMetrics> judged = targets.stream().map(t -> t.judgedBy(found.threshold())).toList();
            long generated = judged.stream().filter(t -> t.verdict().generatedByModel()).count();
            report = new ProjectionReportDocument(job.id().toString(), job.kind(), modelSlug(job.modelId()), found,
                    Verdict.CALIBRATED, found.threshold(), generated, judged);
        } else {
            Double threshold = ProjectJobSpec.parse(spec).threshold();
            long generated = targets.stream().filter(t -> Boolean.TRUE.equals(t.verdict().generatedByModel())).count();
            report = new ProjectionReportDocument(job.id().toString(), job.kind(), modelSlug(job.modelId()), null,
                    threshold == null ? Verdict.UNCALIBRATED : Verdict.CALIBRATED, threshold, generated, targets);
        }

        byte[] manifestBytes = manifest.toString().getBytes(StandardCharsets.UTF_8);
        store.put(ObjectKeys.manifest(job.id()), manifestBytes, "application/x-ndjson");
        ManifestAssembler.Written manifestWritten = new ManifestAssembler.Written(ObjectKeys.manifest(job.id()),
                "manifest", manifestBytes.length, Hashing.sha256(manifestBytes), targets.size());
        return new ManifestAssembler.Result(manifestWritten, List.of(
                put(ObjectKeys.report(job.id(), "json"), Documents.pretty(report), "application/json", "report"),
                put(ObjectKeys.report(job.id(), "csv"), csv(report.targets()).getBytes(StandardCharsets.UTF_8), "text/csv",
                        "report")));
    }

    /** ROC over the positives' and negatives' distances; stores the threshold on the model. */
    private Calibration calibrate(JobRow job, CalibrateJobSpec spec, List<TargetMetrics> targets) {
        double[] positives = distances(targets, ProjectTaskSpec.POSITIVE);
        double[] negatives = distances(targets, ProjectTaskSpec.NEGATIVE);
        if (DoubleStream.concat(Arrays.stream(positives), Arrays.stream(negatives)).anyMatch(d -> !Double.isFinite(d))) {
            throw new ManifestAssembler.IncompleteManifestException("a projection reported a distance that is not a"
                    + " finite number; no threshold was stored");
        }
        Roc roc = Roc.of(positives, negatives, spec.fpr());
        if (!(roc.threshold() > 0)) {
            throw new ManifestAssembler.IncompleteManifestException("the negatives reached a distance of 0, so no"
                    + " positive threshold separates them; no threshold was stored");
        }
        models.setProjectionThreshold(job.modelId(), roc.threshold());
        return new Calibration(roc.auc(), roc.threshold(), spec.fpr(), roc.fpr(), roc.tpr(),
                new ProjectionReportDocument.Distances(Summary.of(positives), Summary.of(negatives)),
                variants(targets, negatives, roc.threshold()), roc.points().stream().map(p -> new RocPoint(p.threshold(), p.fpr(), p.tpr())).toList());
    }

    /** Each rendering variant's positives against every negative: where the threshold holds and where it does not. */
    private static List<VariantAuc> variants(List<TargetMetrics> targets, double[] negatives, double threshold) {
        Map<String, List<Double>> byVariant = new TreeMap<>();
        for (TargetMetrics t : targets) {
            if (ProjectTaskSpec.POSITIVE.equals(t.label())) {
                ProjectTaskSpec.Render render = t.render() != null ? t.render() : ProjectTaskSpec.Render.DEFAULT;
                byVariant.computeIfAbsent(render.variant(), v -> new ArrayList<>()).add(t.distance());
            }
        }
        List<VariantAuc> out = new ArrayList<>();
        byVariant.forEach((variant, list) -> {
            double[] d = list.stream().mapToDouble(Double::doubleValue).toArray();
            double tpr = (double) Arrays.stream(d).filter(x -> x <= threshold).count() / d.length;
            out.add(new VariantAuc(variant, d.length, Roc.auc(d, negatives), tpr, Summary.of(d)));
        });
        return out;
    }

    /** The model's id as its owner named it: reports are for people, who never see the internal key. */
    private String modelSlug(String key) {
        return models.identity(key).map(ModelRepository.Identity::slug).orElse(key);
    }

    private static double[] distances(List<TargetMetrics> targets, String label) {
        return targets.stream().filter(t -> label.equals(t.label())).mapToDouble(TargetMetrics::distance).toArray();
    }

    private static String csv(List<TargetMetrics> targets) {
        StringBuilder out = new StringBuilder("index,target,label,distance,psnr,steps,generated_by_model,threshold,"
                + "projected_w\n");
        for (TargetMetrics t : targets) {
            Verdict verdict = t.verdict();
            out.append(t.index()).append(',')
                    .append(quote(t.target())).append(',')
                    .append(t.label() == null ? "" : t.label()).append(',')
                    .append(t.distance()).append(',')
                    .append(t.psnr()).append(',')
                    .append(t.steps()).append(',')
                    .append(verdict.generatedByModel() == null ? Verdict.UNCALIBRATED : verdict.generatedByModel())
                    .append(',')
                    .append(verdict.threshold() == null ? "" : verdict.threshold()).append(',')
                    .append(t.files() == null ? "" : t.files().getOrDefault(ObjectKeys.PROJECTED_W, "")).append('\n');
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
