package ai.stylefarm.schemas;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The REST spec of a {@link JobKind#GENERATE} job, as in NVIDIA's generate.py. Serialised, it is the normalised
 * spec (defaults filled in, seeds compacted) that the gateway stores in the job's row.
 * Reading always goes through {@link #parse}, so a spec object never exists unvalidated.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GenerateJobSpec(
        Seeds seeds,
        double truncationPsi,
        Integer truncationCutoff,
        Integer classIdx,
        NoiseMode noiseMode,
        ImageFormat format,
        Layout layout,
        Integer jpegQuality,
        Boolean includeLatents,
        Integer shardSize) {

    private static final List<String> FIELDS = List.of("seeds", "truncation_psi", "truncation_cutoff", "class_idx",
            "noise_mode", "format", "layout", "jpeg_quality", "include_latents", "shard_size");
    public static final int DEFAULT_JPEG_QUALITY = 90;
    public static final int DEFAULT_SHARD_SIZE = 1000;
    public static final int MAX_SHARD_SIZE = 100_000;

    /** PNG files without latents, the generate.py defaults. */
    public GenerateJobSpec(Seeds seeds, double truncationPsi, Integer truncationCutoff, Integer classIdx,
                           NoiseMode noiseMode, ImageFormat format, Layout layout) {
        this(seeds, truncationPsi, truncationCutoff, classIdx, noiseMode, format, layout,
                format == ImageFormat.JPEG ? DEFAULT_JPEG_QUALITY : null, null,
                layout == Layout.WEBDATASET ? DEFAULT_SHARD_SIZE : null);
    }

    public GenerateJobSpec {
        Objects.requireNonNull(seeds, "seeds");
        Objects.requireNonNull(noiseMode, "noiseMode");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(layout, "layout");
        if (!Double.isFinite(truncationPsi)) {
            throw new IllegalArgumentException("truncationPsi must be finite");
        }
    }

    /** Every problem with {@code spec}, each naming its field; empty when the spec is valid. */
    public static List<ValidationError> validate(JsonNode spec) {
        List<ValidationError> errors = new ArrayList<>();
        read(spec, errors);
        return errors;
    }

    /** @throws InvalidSpecException listing every problem, as {@link #validate} would */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static GenerateJobSpec parse(JsonNode spec) {
        List<ValidationError> errors = new ArrayList<>();
        GenerateJobSpec parsed = read(spec, errors);
        if (!errors.isEmpty()) {
            throw new InvalidSpecException(errors);
        }
        return parsed;
    }

    /** Seeds per task: one shard each for webdataset, else the scheduler's choice. */
    public int seedsPerTask(int filesDefault) {
        return layout == Layout.WEBDATASET ? shardSize : filesDefault;
    }

    /** The spec of task {@code index}, which renders {@code chunk} of these seeds under {@code outputPrefix}. */
    public GenerateTaskSpec forTask(Seeds chunk, String outputPrefix, int index) {
        return new GenerateTaskSpec(chunk, truncationPsi, truncationCutoff, classIdx, noiseMode, format, layout,
                outputPrefix, jpegQuality, Boolean.TRUE.equals(includeLatents) ? Boolean.TRUE : null, index);
    }

    private static GenerateJobSpec read(JsonNode spec, List<ValidationError> errors) {
        if (!SpecFields.object(spec, FIELDS, errors)) {
            return null;
        }
        Seeds seeds = seeds(spec.get("seeds"), errors);
        double psi = SpecFields.psi(spec.get("truncation_psi"), errors);
        Integer cutoff = SpecFields.index(spec, "truncation_cutoff", errors);
        Integer classIdx = SpecFields.index(spec, "class_idx", errors);
        NoiseMode noiseMode = SpecFields.choice(spec, "noise_mode", NoiseMode.class, NoiseMode.CONST, errors);
        ImageFormat format = SpecFields.choice(spec, "format", ImageFormat.class, ImageFormat.PNG, errors);
        Layout layout = SpecFields.choice(spec, "layout", Layout.class, Layout.FILES, errors);
        Integer quality = SpecFields.bounded(spec, "jpeg_quality", 1, 100, errors);
        Integer shardSize = SpecFields.bounded(spec, "shard_size", 1, MAX_SHARD_SIZE, errors);
        Boolean latents = SpecFields.flag(spec, "include_latents", errors);
        if (quality != null && format != ImageFormat.JPEG) {
            errors.add(new ValidationError("jpeg_quality", "applies only to format jpeg"));
        }
        if (shardSize != null && layout != Layout.WEBDATASET) {
            errors.add(new ValidationError("shard_size", "applies only to layout webdataset"));
        }
        if (!errors.isEmpty()) {
            return null;
        }
        return new GenerateJobSpec(seeds, psi, cutoff, classIdx, noiseMode, format, layout,
                format == ImageFormat.JPEG ? (quality != null ? quality : DEFAULT_JPEG_QUALITY) : null,
                Boolean.TRUE.equals(latents) ? Boolean.TRUE : null,
                layout == Layout.WEBDATASET ? (shardSize != null ? shardSize : DEFAULT_SHARD_SIZE) : null);
    }

    private static Seeds seeds(JsonNode node, List<ValidationError> errors) {
        if (SpecFields.absent(node)) {
            errors.add(new ValidationError("seeds", "is required, e.g. \"0-99\" or [1, 5, 9]"));
            return null;
        }
        try {
            if (node.isTextual()) {
                return Seeds.parse(node.textValue());
            }
            if (!node.isArray()) {
                errors.add(new ValidationError("seeds", "must be a string like \"0-99,105\" or a list of integers"));
                return null;
            }
            List<Long> list = new ArrayList<>(node.size());
            for (int i = 0; i < node.size(); i++) {
                JsonNode entry = node.get(i);
                if (!entry.isIntegralNumber()) {
                    errors.add(new ValidationError("seeds[" + i + "]", "must be an integer"));
                    continue;
                }
                try {
                    list.add(Seeds.seed(entry.bigIntegerValue()));
                } catch (IllegalArgumentException e) {
                    errors.add(new ValidationError("seeds[" + i + "]", e.getMessage()));
                }
            }
            return list.size() == node.size() ? Seeds.of(list) : null;
        } catch (IllegalArgumentException e) {
            errors.add(new ValidationError("seeds", e.getMessage()));
            return null;
        }
    }

}
