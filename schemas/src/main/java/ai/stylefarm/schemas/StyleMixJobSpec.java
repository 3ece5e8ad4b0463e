package ai.stylefarm.schemas;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The REST spec of a {@link JobKind#STYLE_MIX} job, as NVIDIA's style_mixing.py: every row seed × column seed
 * cell takes the row's w with the {@code styles} layers from the column's, plus each seed's own image, and a
 * {@code grid.png}. Seed lists keep their order (it is the grid's); {@code "85,100,75"}, {@code "0-3"} or lists.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StyleMixJobSpec(
        List<Long> rowSeeds,
        List<Long> colSeeds,
        List<Integer> styles,
        double truncationPsi,
        Integer classIdx,
        NoiseMode noiseMode) {

    private static final List<String> FIELDS =
            List.of("row_seeds", "col_seeds", "styles", "truncation_psi", "class_idx", "noise_mode");
    /** style_mixing.py's default: the coarse and middle layers. */
    public static final String DEFAULT_STYLES = "0-6";
    public static final int MAX_SEEDS_PER_AXIS = 1000;
    public static final int MAX_CELLS = 10_000;

    public StyleMixJobSpec {
        rowSeeds = List.copyOf(rowSeeds);
        colSeeds = List.copyOf(colSeeds);
        styles = List.copyOf(styles);
        Objects.requireNonNull(noiseMode, "noiseMode");
    }

    /** Every problem with {@code spec}, each naming its field; empty when the spec is valid. */
    public static List<ValidationError> validate(JsonNode spec) {
        List<ValidationError> errors = new ArrayList<>();
        read(spec, errors);
        return errors;
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static StyleMixJobSpec parse(JsonNode spec) {
        List<ValidationError> errors = new ArrayList<>();
        StyleMixJobSpec parsed = read(spec, errors);
        if (!errors.isEmpty()) {
            throw new InvalidSpecException(errors);
        }
        return parsed;
    }

    /** Distinct images the job makes: every cell, and every seed's own image once. */
    public int imageCount() {
        Set<Long> all = new LinkedHashSet<>(rowSeeds);
        all.addAll(colSeeds);
        int both = (int) rowSeeds.stream().filter(colSeeds::contains).count();
        return rowSeeds.size() * colSeeds.size() + all.size() - both;
    }

    /** Rows per task: small grids are one task, large ones spread over workers. */
    public static final int ROWS_PER_TASK = 8;

    public int taskCount() {
        return (rowSeeds.size() + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
    }

    /**
     * Task {@code index}: its rows' cells, the own images of its row seeds that are not also columns (those are
     * cells already), and for task 0 the own images of the column seeds that are not rows.
     */
    public StyleMixTaskSpec forTask(int index, String outputPrefix) {
        List<Long> rows = rowSeeds.subList(index * ROWS_PER_TASK, Math.min(rowSeeds.size(), (index + 1) * ROWS_PER_TASK));
        List<Long> diagonals = new ArrayList<>(rows.stream().filter(r -> !colSeeds.contains(r)).toList());
        if (index == 0) {
            colSeeds.stream().filter(c -> !rowSeeds.contains(c)).forEach(diagonals::add);
        }
        return new StyleMixTaskSpec(rows, colSeeds, styles, truncationPsi, classIdx, noiseMode, outputPrefix, index,
                diagonals);
    }

    private static StyleMixJobSpec read(JsonNode spec, List<ValidationError> errors) {
        if (!SpecFields.object(spec, FIELDS, errors)) {
            return null;
        }
        List<Long> rows = seeds(spec.get("row_seeds"), "row_seeds", errors);
        List<Long> cols = seeds(spec.get("col_seeds"), "col_seeds", errors);
        List<Integer> styles = styles(spec.get("styles"), errors);
        double psi = SpecFields.psi(spec.get("truncation_psi"), errors);
        Integer classIdx = SpecFields.index(spec, "class_idx", errors);
        NoiseMode noise = SpecFields.choice(spec, "noise_mode", NoiseMode.class, NoiseMode.CONST, errors);
        if (rows != null && cols != null && (long) rows.size() * cols.size() > MAX_CELLS) {
            errors.add(new ValidationError("row_seeds", rows.size() + " rows × " + cols.size() + " columns is more than "
                    + MAX_CELLS + " cells"));
        }
        if (!errors.isEmpty()) {
            return null;
        }
        return new StyleMixJobSpec(rows, cols, styles, psi, classIdx, noise);
    }

    /** A seed list in the given order, duplicates dropped: "85,100,75", "0-3", or a JSON list. */
    private static List<Long> seeds(JsonNode node, String field, List<ValidationError> errors) {
        if (SpecFields.absent(node)) {
            errors.add(new ValidationError(field, "is required, e.g. \"85,100,75,458,1500\""));
            return null;
        }
        LinkedHashSet<Long> seeds = new LinkedHashSet<>();
        try {
            if (node.isTextual()) {
                for (String part : node.textValue().split(",")) {
                    Seeds range = Seeds.parse(part.strip());
                    range.stream().forEach(seeds::add);
                    if (seeds.size() > MAX_SEEDS_PER_AXIS) {
                        break;
                    }
                }
            } else if (node.isArray()) {
                for (JsonNode s : node) {
                    if (!s.isIntegralNumber()) {
                        throw new IllegalArgumentException("list entries must be integers");
                    }
                    seeds.add(Seeds.seed(s.bigIntegerValue()));
                }
            } else {
                throw new IllegalArgumentException("must be a string like \"85,100,75\" or a list of integers");
            }
        } catch (IllegalArgumentException e) {
            errors.add(new ValidationError(field, e.getMessage()));
            return null;
        }
        if (seeds.isEmpty() || seeds.size() > MAX_SEEDS_PER_AXIS) {
            errors.add(new ValidationError(field, "must hold 1 to " + MAX_SEEDS_PER_AXIS + " seeds"));
            return null;
        }
        return List.copyOf(seeds);
    }

    /** Layer indices, "0-6" or "0,2,4" or a list; checked against the model's num_ws by the gateway. */
    private static List<Integer> styles(JsonNode node, List<ValidationError> errors) {
        String text = SpecFields.absent(node) ? DEFAULT_STYLES : null;
        List<Integer> layers = new ArrayList<>();
        try {
            if (text == null && node.isArray()) {
                for (JsonNode s : node) {
                    if (!SpecFields.integerIn(s, 0, 63)) {
                        throw new IllegalArgumentException("layer indices are integers from 0 to 63");
                    }
                    layers.add(s.asInt());
                }
            } else {
                String value = text != null ? text : node.asText();
                for (String part : value.split(",")) {
                    Seeds range = Seeds.parse(part.strip());
                    range.stream().forEach(l -> layers.add((int) l));
                }
                if (layers.stream().anyMatch(l -> l > 63)) {
                    throw new IllegalArgumentException("layer indices are 0 to 63");
                }
            }
        } catch (IllegalArgumentException e) {
            errors.add(new ValidationError("styles", e.getMessage()));
            return null;
        }
        if (layers.isEmpty()) {
            errors.add(new ValidationError("styles", "must name at least one layer"));
            return null;
        }
        return List.copyOf(new LinkedHashSet<>(layers));
    }
}
