package ai.stylefarm.gateway.dashboard;

import ai.stylefarm.domain.jobs.JobRepository;
import ai.stylefarm.domain.storage.Bucket;
import ai.stylefarm.schemas.Messages;
import ai.stylefarm.schemas.ObjectKeys;
import ai.stylefarm.schemas.documents.Documents;
import ai.stylefarm.schemas.documents.ProjectionReportDocument;
import ai.stylefarm.schemas.documents.TargetMetrics;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The projection report of a project or calibrate job as the job page shows it, live: every finished target with
 * its metrics and verdict, links to the target and its projection side by side (and the video when there is one),
 * and, once a calibration is done, its ROC summary.
 */
@ApplicationScoped
public class ProjectionReports {
    private static final ObjectMapper JSON = Messages.mapper();
    /** The scheduler writes these; a calibration of the most targets a job may have stays far below. */
    private static final int MAX_REPORT_BYTES = 64 << 20;

    private static final List<String> KINDS = List.of("projection", "target", "metrics", "projection_video", "report");

    private final JobRepository jobs;
    private final Bucket storage;

    public ProjectionReports(JobRepository jobs, Bucket storage) {
        this.jobs = jobs;
        this.storage = storage;
    }

    /** Targets in index order, at most {@code limit}. */
    public ObjectNode report(UUID job, int limit) {
        Map<String, ObjectNode> targets = new TreeMap<>();
        String reportKey = null;
        for (JobRepository.ArtifactRef a : jobs.artifactsOfKinds(job, KINDS)) {
            String key = a.key();
            if (a.kind().equals("report")) {
                reportKey = key.endsWith(".json") ? key : reportKey;
                continue;
            }
            String prefix = key.substring(0, key.lastIndexOf('/') + 1);
            ObjectNode t = targets.computeIfAbsent(prefix, p -> JsonNodeFactory.instance.objectNode());
            switch (a.kind()) {
                case "projection" -> t.put("projection_url", storage.presign(key));
                case "target" -> t.put("target_url", storage.presign(key));
                case "projection_video" -> t.put("video_url", storage.presign(key));
                default -> t.put("metrics_key", key);
            }
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        // A finished job's report holds every target's metrics: one read instead of one per target.
        Map<String, TargetMetrics> reported = new TreeMap<>();
        if (reportKey != null && reportKey.equals(ObjectKeys.report(job, "json"))) {
            ProjectionReportDocument report = read(reportKey, ProjectionReportDocument.class);
            report.targets().stream().filter(t -> t.files() != null && t.files().containsKey(ObjectKeys.METRICS))
                    .forEach(t -> reported.put(t.files().get(ObjectKeys.METRICS), t));
            if (report.calibration() != null) {
                out.set("calibration", JSON.valueToTree(report.calibration().withoutRoc()));
            }
        }
        ArrayNode list = out.putArray("targets");
        for (ObjectNode t : targets.values()) {
            if (list.size() >= limit) {
                out.put("truncated", true);
                break;
            }
            JsonNode metricsKey = t.remove("metrics_key");
            if (metricsKey != null) {
                TargetMetrics metrics = reported.get(metricsKey.asText());
                if (metrics == null) {
                    metrics = read(metricsKey.asText(), TargetMetrics.class);
                }
                t.setAll((ObjectNode) JSON.valueToTree(metrics.withoutFiles()));
            }
            list.add(t);
        }
        return out;
    }

    private <T> T read(String key, Class<T> type) {
        return Documents.read(storage.read(key, MAX_REPORT_BYTES), type);
    }
}
