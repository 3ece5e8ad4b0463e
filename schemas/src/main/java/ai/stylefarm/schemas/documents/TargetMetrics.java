package ai.stylefarm.schemas.documents;

import ai.stylefarm.schemas.ProjectTaskSpec;
import ai.stylefarm.schemas.ProjectionSpace;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Map;
import java.util.Objects;

/**
 * A projection target's {@code metrics.json}: how close the generator came to it and the verdict. Its manifest line
 * and its entry in {@code report.json} are the same document with {@code files}, the target's outputs by name.
 *
 * @param targetKey   the uploaded image, for a stored target
 * @param targetSeed  the seed rendered, for a seed target (with {@code targetModel}, the model that rendered it)
 * @param render      how a calibration positive was rendered and perturbed; null for generate.py's default
 * @param mse         on the raw [-1, 1] scale, the projection's loss
 * @param distance    the deepfake check's distance, {@code latent_distance + 2 · residual}: how far from the model's
 *                    typical latents the projection went (in w_std) and the share of the target's variance at half
 *                    resolution it left unexplained
 * @param seed        the projection's own seed (exploration noise)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"target", "index", "target_key", "target_seed", "target_model", "render", "label", "model", "mse", "psnr",
        "distance", "latent_distance", "residual", "steps", "space", "optimize_noise", "seed", "seconds", "ms_per_step", "verdict", "files"})
public record TargetMetrics(
        String target,
        int index,
        String targetKey,
        Long targetSeed,
        String targetModel,
        ProjectTaskSpec.Render render,
        String label,
        String model,
        double mse,
        double psnr,
        double distance,
        Double latentDistance,
        Double residual,
        int steps,
        ProjectionSpace space,
        boolean optimizeNoise,
        long seed,
        double seconds,
        double msPerStep,
        Verdict verdict,
        Map<String, String> files) implements ManifestLine {

    public TargetMetrics {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(verdict, "verdict");
        files = files == null ? null : Map.copyOf(files);
    }

    /** This target's manifest line: the metrics and where each output is. */
    public TargetMetrics withFiles(Map<String, String> outputs) {
        return new TargetMetrics(target, index, targetKey, targetSeed, targetModel, render, label, model, mse, psnr, distance,
                latentDistance, residual, steps, space, optimizeNoise, seed, seconds, msPerStep, verdict, new java.util.TreeMap<>(outputs));
    }

    /** Judged against {@code threshold}: a calibration's report judges its targets by the threshold it found. */
    public TargetMetrics judgedBy(double threshold) {
        return new TargetMetrics(target, index, targetKey, targetSeed, targetModel, render, label, model, mse, psnr, distance,
                latentDistance, residual, steps, space, optimizeNoise, seed, seconds, msPerStep,
                Verdict.of(distance, threshold), files);
    }

    /** The metrics alone, as {@code metrics.json} holds them. */
    public TargetMetrics withoutFiles() {
        return new TargetMetrics(target, index, targetKey, targetSeed, targetModel, render, label, model, mse, psnr, distance,
                latentDistance, residual, steps, space, optimizeNoise, seed, seconds, msPerStep, verdict, null);
    }

    /** A result, not a file: its outputs are listed in {@link #files()}, each with its own record. */
    @Override
    @JsonIgnore
    public String key() {
        return null;
    }

    @Override
    @JsonIgnore
    public String sha256() {
        return null;
    }

    @Override
    @JsonIgnore
    public Long bytes() {
        return null;
    }

    /**
     * At or below the threshold, the model very likely made the image. Uncalibrated (no threshold yet) says so,
     * with both fields present and null, rather than guessing.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @JsonPropertyOrder({"distance", "generated_by_model", "threshold", "status"})
    public record Verdict(double distance, Boolean generatedByModel, Double threshold, String status) {
        public static final String CALIBRATED = "calibrated";
        public static final String UNCALIBRATED = "uncalibrated";

        public static Verdict of(double distance, Double threshold) {
            return threshold == null ? new Verdict(distance, null, null, UNCALIBRATED)
                    : new Verdict(distance, distance <= threshold, threshold, CALIBRATED);
        }
    }
}
