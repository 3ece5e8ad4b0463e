package ai.stylefarm.schemas.documents;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A project or calibrate job's {@code report.json}: every target's metrics in target order and, for a projection,
 * the verdict summary, or, for a calibration, its ROC.
 *
 * @param model            the model's id as its owner named it
 * @param verdicts         {@code calibrated} when the targets were judged by a threshold: the job's, or the one a
 *                         calibration found
 * @param generatedByModel targets at or below that threshold
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"job_id", "kind", "model", "calibration", "verdicts", "threshold", "generated_by_model",
        "targets"})
public record ProjectionReportDocument(
        String jobId,
        String kind,
        String model,
        Calibration calibration,
        String verdicts,
        Double threshold,
        Long generatedByModel,
        List<TargetMetrics> targets) {

    public ProjectionReportDocument {
        Objects.requireNonNull(jobId, "job_id");
        targets = List.copyOf(targets);
    }

    /**
     * @param threshold the distance at the requested false-positive rate, stored on the model
     * @param fpr       and {@code tpr}: the rates the threshold achieves on this job's targets
     * @param roc       every operating point; null where a reader dropped it to stay small
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"auc", "threshold", "target_fpr", "fpr", "tpr", "distances", "roc"})
    /** @param variants the AUC of each way the positives were rendered and perturbed, against all negatives */
    public record Calibration(double auc, double threshold, double targetFpr, double fpr, double tpr,
                              Distances distances, List<VariantAuc> variants, List<RocPoint> roc) {
        public Calibration withoutRoc() {
            return new Calibration(auc, threshold, targetFpr, fpr, tpr, distances, variants, null);
        }
    }

    /**
     * @param variant   noise mode and perturbation, such as {@code random · jpeg80}
     * @param tpr       the share of these positives at or below the calibrated threshold
     */
    public record VariantAuc(String variant, int positives, double auc, double tpr, Summary distances) {
    }

    public record Distances(Summary positives, Summary negatives) {
    }

    /** @param values every distance, ascending */
    public record Summary(int count, double min, double median, double max, double[] values) {
        public static Summary of(double[] distances) {
            double[] sorted = distances.clone();
            Arrays.sort(sorted);
            int n = sorted.length;
            double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
            return new Summary(n, sorted[0], median, sorted[n - 1], sorted);
        }
    }

    public record RocPoint(double threshold, double fpr, double tpr) {
    }
}
