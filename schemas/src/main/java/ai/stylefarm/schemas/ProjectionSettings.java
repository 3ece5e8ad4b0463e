package ai.stylefarm.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * How each target of a project or calibrate job is optimised, with projector.py's defaults.
 *
 * @param steps         optimisation steps per target (1000)
 * @param space         w or w_plus
 * @param optimizeNoise optimise the noise maps too (true)
 * @param seed          seeds the exploration noise (303)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ProjectionSettings(int steps, ProjectionSpace space, boolean optimizeNoise, long seed) {
    public static final int DEFAULT_STEPS = 1000;
    public static final int MAX_STEPS = 20_000;
    public static final long DEFAULT_SEED = 303;
    static final List<String> FIELDS = List.of("steps", "space", "optimize_noise", "seed");

    /** A spec's own fields followed by these. */
    static List<String> fieldsWith(String... own) {
        List<String> all = new java.util.ArrayList<>(List.of(own));
        all.addAll(FIELDS);
        return List.copyOf(all);
    }

    static ProjectionSettings read(JsonNode spec, List<ValidationError> errors) {
        Integer steps = SpecFields.bounded(spec, "steps", 1, MAX_STEPS, errors);
        ProjectionSpace space = SpecFields.choice(spec, "space", ProjectionSpace.class, ProjectionSpace.W, errors);
        Boolean noise = SpecFields.flag(spec, "optimize_noise", errors);
        JsonNode seedNode = spec.get("seed");
        long seed = DEFAULT_SEED;
        if (!SpecFields.absent(seedNode)) {
            if (!seedNode.isIntegralNumber()) {
                errors.add(new ValidationError("seed", "must be an integer from 0 to 2^32 - 1"));
            } else {
                try {
                    seed = Seeds.seed(seedNode.bigIntegerValue());
                } catch (IllegalArgumentException e) {
                    errors.add(new ValidationError("seed", e.getMessage()));
                }
            }
        }
        return new ProjectionSettings(steps == null ? DEFAULT_STEPS : steps, space == null ? ProjectionSpace.W : space,
                noise == null || noise, seed);
    }
}
