package ai.stylefarm.schemas;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * How a calibration renders its positives, to match the images its users will check: the noise modes, a ψ range
 * and the perturbations on the way into the wild. Positive {@code i} takes noise mode {@code i mod M} and
 * perturbation {@code (i / M) mod P}, so every combination is drawn equally often, and a ψ drawn uniformly from the
 * range (from the job id, so re-planning draws the same).
 *
 * @param noiseModes    ({@code positive_noise_modes}, default {@code ["const"]})
 * @param psiMin        ({@code positive_psi}: one number, or {@code [min, max]}; default 1)
 * @param perturbations ({@code perturbations}, default {@code ["none"]})
 */
public record PositiveRenders(@JsonProperty("positive_noise_modes") List<NoiseMode> noiseModes,
                              @JsonIgnore double psiMin, @JsonIgnore double psiMax,
                              @JsonProperty("perturbations") List<Perturbation> perturbations) {
    public static final PositiveRenders DEFAULT = new PositiveRenders(List.of(NoiseMode.CONST), 1, 1,
            List.of(Perturbation.NONE));
    public static final List<String> FIELDS = List.of("positive_noise_modes", "positive_psi", "perturbations");
    static final int MAX_PERTURBATIONS = 32;

    public PositiveRenders {
        noiseModes = List.copyOf(noiseModes);
        perturbations = List.copyOf(perturbations);
    }

    /** How positive {@code index} is made; {@code random} is the job's own stream of draws. */
    public ProjectTaskSpec.Render forPositive(int index, SplittableRandom random) {
        double u = random.nextDouble();
        double psi = psiMin == psiMax ? psiMin : Math.round((psiMin + u * (psiMax - psiMin)) * 1000) / 1000.0;
        NoiseMode mode = noiseModes.get(index % noiseModes.size());
        Perturbation p = perturbations.get((index / noiseModes.size()) % perturbations.size());
        return new ProjectTaskSpec.Render(mode, psi, p);
    }

    /** {@code positive_psi} as stored: [min, max]. */
    @JsonProperty("positive_psi")
    public double[] psiRange() {
        return new double[] {psiMin, psiMax};
    }

    static PositiveRenders read(JsonNode spec, List<ValidationError> errors) {
        List<NoiseMode> modes = new ArrayList<>();
        JsonNode modesNode = spec.get("positive_noise_modes");
        if (SpecFields.absent(modesNode)) {
            modes.add(NoiseMode.CONST);
        } else if (!modesNode.isArray() || modesNode.isEmpty() || modesNode.size() > 3) {
            errors.add(new ValidationError("positive_noise_modes", "must be a list of 1 to 3 of " + Wire.values(
                    NoiseMode.class)));
        } else {
            for (JsonNode m : modesNode) {
                try {
                    NoiseMode mode = Wire.parse(NoiseMode.class, m.isTextual() ? m.textValue() : m.toString());
                    if (!modes.contains(mode)) {
                        modes.add(mode);
                    }
                } catch (IllegalArgumentException e) {
                    errors.add(new ValidationError("positive_noise_modes", e.getMessage()));
                }
            }
        }
        double lo = 1;
        double hi = 1;
        JsonNode psiNode = spec.get("positive_psi");
        if (!SpecFields.absent(psiNode)) {
            if (psiNode.isNumber()) {
                lo = hi = psiNode.doubleValue();
            } else if (psiNode.isArray() && psiNode.size() == 2 && psiNode.get(0).isNumber()
                    && psiNode.get(1).isNumber()) {
                lo = psiNode.get(0).doubleValue();
                hi = psiNode.get(1).doubleValue();
            } else {
                lo = hi = Double.NaN;
            }
            if (!(lo >= 0 && lo <= hi && hi <= 2)) {
                errors.add(new ValidationError("positive_psi", "must be a ψ from 0 to 2, or [min, max] within it,"
                        + " e.g. [0.5, 1]"));
            }
        }
        List<Perturbation> perturbations = new ArrayList<>();
        JsonNode pNode = spec.get("perturbations");
        if (SpecFields.absent(pNode)) {
            perturbations.add(Perturbation.NONE);
        } else if (!pNode.isArray() || pNode.isEmpty() || pNode.size() > MAX_PERTURBATIONS) {
            errors.add(new ValidationError("perturbations", "must be a list of 1 to " + MAX_PERTURBATIONS
                    + " perturbations such as \"none\", \"jpeg80\", \"resize0.5-bilinear\", \"resize2-bicubic+jpeg90\""));
        } else {
            for (JsonNode p : pNode) {
                try {
                    Perturbation parsed = Perturbation.of(p.isTextual() ? p.textValue() : null);
                    if (!perturbations.contains(parsed)) {
                        perturbations.add(parsed);
                    }
                } catch (IllegalArgumentException e) {
                    errors.add(new ValidationError("perturbations", e.getMessage()));
                }
            }
        }
        return new PositiveRenders(modes, lo, hi, perturbations);
    }
}
