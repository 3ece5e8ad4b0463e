package ai.stylefarm.schemas.documents;

import ai.stylefarm.schemas.NoiseMode;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Objects;

/**
 * One cell of a style-mixing grid: the row seed's image with the column seed's styles at {@code styles}. A seed's
 * own image (the grid's first row and column) has {@code row_seed == col_seed}.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"row_seed", "col_seed", "key", "sha256", "bytes", "styles", "truncation_psi", "class_idx",
        "noise_mode"})
public record StyleMixLine(
        long rowSeed,
        long colSeed,
        String key,
        String sha256,
        Long bytes,
        List<Integer> styles,
        double truncationPsi,
        Integer classIdx,
        NoiseMode noiseMode) implements ManifestLine {

    public StyleMixLine {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(bytes, "bytes");
        styles = List.copyOf(styles);
        Objects.requireNonNull(noiseMode, "noise_mode");
    }
}
