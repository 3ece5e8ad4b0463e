package ai.stylefarm.schemas;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.UUID;

/**
 * One keyframe of an interpolation job, exactly one of: a {@code seed}; an inline {@code w} ([1 or num_ws][w_dim]);
 * or the {@code projected_w} of {@code target} in finished projection job {@code projection}.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Keyframe(Long seed, float[][] w, UUID projection, Integer target) {
    public static Keyframe ofSeed(long seed) {
        return new Keyframe(seed, null, null, null);
    }

    @JsonIgnore
    public boolean isSeed() {
        return seed != null;
    }
}
