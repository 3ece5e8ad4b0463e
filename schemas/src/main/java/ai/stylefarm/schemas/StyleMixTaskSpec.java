package ai.stylefarm.schemas;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Objects;

/**
 * Some rows of a style-mixing grid: every {@code (row, col)} cell of these rows, and the seeds' own images
 * {@code (s, s)} listed in {@code diagonals} (the planner gives each such image to exactly one task).
 *
 * @param outputPrefix cells go to {@code <prefix><row>-<col>.png}, as style_mixing.py names them
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StyleMixTaskSpec(
        List<Long> rowSeeds,
        List<Long> colSeeds,
        List<Integer> styles,
        double truncationPsi,
        Integer classIdx,
        NoiseMode noiseMode,
        String outputPrefix,
        int taskIndex,
        List<Long> diagonals) implements TaskSpec {

    public StyleMixTaskSpec {
        rowSeeds = List.copyOf(rowSeeds);
        colSeeds = List.copyOf(colSeeds);
        styles = List.copyOf(styles);
        diagonals = List.copyOf(diagonals);
        Objects.requireNonNull(noiseMode, "noiseMode");
        Objects.requireNonNull(outputPrefix, "outputPrefix");
    }

    @JsonIgnore
    @Override
    public TaskKind kind() {
        return TaskKind.STYLE_MIX;
    }

    @JsonIgnore
    @Override
    public int itemCount() {
        return rowSeeds.size() * colSeeds.size() + diagonals().size();
    }

    @Override
    public String describe() {
        return "row seeds " + rowSeeds.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(","));
    }

    public String keyFor(long row, long col) {
        return outputPrefix + row + "-" + col + ".png";
    }
}
