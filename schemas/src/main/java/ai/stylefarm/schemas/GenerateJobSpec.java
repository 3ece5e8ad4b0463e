package ai.stylefarm.schemas;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/**
 * The REST spec of a {@link JobKind#GENERATE} job, as in NVIDIA's generate.py. Serialised, it is the normalised
 * spec (defaults filled in, seeds compacted) that the gateway stores and puts in {@link JobMessage#spec()}.
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
        if (spec == null || !spec.isObject()) {
            errors.add(new ValidationError("spec", "must be a JSON object"));
            return null;
        }
        for (Iterator<String> names = spec.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                errors.add(new ValidationError(name, "unknown field; known fields are " + String.join(", ", FIELDS)));
            }
        }
        Seeds seeds = seeds(spec.get("seeds"), errors);
        double psi = psi(spec.get("truncation_psi"), errors);
        Integer cutoff = index(spec, "truncation_cutoff", errors);
        Integer classIdx = index(spec, "class_idx", errors);
        NoiseMode noiseMode = choice(spec, "noise_mode", NoiseMode.class, NoiseMode.CONST, errors);
        ImageFormat format = choice(spec, "format", ImageFormat.class, ImageFormat.PNG, errors);
        Layout layout = choice(spec, "layout", Layout.class, Layout.FILES, errors);
        Integer quality = bounded(spec, "jpeg_quality", 1, 100, errors);
        Integer shardSize = bounded(spec, "shard_size", 1, MAX_SHARD_SIZE, errors);
        Boolean latents = flag(spec, "include_latents", errors);
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
        if (absent(node)) {
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

    private static double psi(JsonNode node, List<ValidationError> errors) {
        if (absent(node)) {
            return 1.0;
        }
        if (!node.isNumber() || !Double.isFinite(node.doubleValue())) {
            errors.add(new ValidationError("truncation_psi", "must be a finite number"));
            return Double.NaN;
        }
        return node.doubleValue();
    }

    private static Integer index(JsonNode spec, String field, List<ValidationError> errors) {
        JsonNode node = spec.get(field);
        if (absent(node)) {
            return null;
        }
        if (!node.isIntegralNumber() || node.bigIntegerValue().signum() < 0
                || node.bigIntegerValue().compareTo(BigInteger.valueOf(Integer.MAX_VALUE)) > 0) {
            errors.add(new ValidationError(field, "must be a non-negative integer or null"));
            return null;
        }
        return node.intValue();
    }

    private static Integer bounded(JsonNode spec, String field, int min, int max, List<ValidationError> errors) {
        JsonNode node = spec.get(field);
        if (absent(node)) {
            return null;
        }
        if (!node.isIntegralNumber() || node.bigIntegerValue().compareTo(BigInteger.valueOf(min)) < 0
                || node.bigIntegerValue().compareTo(BigInteger.valueOf(max)) > 0) {
            errors.add(new ValidationError(field, "must be an integer from " + min + " to " + max));
            return null;
        }
        return node.intValue();
    }

    private static Boolean flag(JsonNode spec, String field, List<ValidationError> errors) {
        JsonNode node = spec.get(field);
        if (absent(node)) {
            return null;
        }
        if (!node.isBoolean()) {
            errors.add(new ValidationError(field, "must be true or false"));
            return null;
        }
        return node.booleanValue();
    }

    private static <E extends Enum<E>> E choice(JsonNode spec, String field, Class<E> type, E fallback,
            List<ValidationError> errors) {
        JsonNode node = spec.get(field);
        if (absent(node)) {
            return fallback;
        }
        try {
            if (node.isTextual()) {
                return Wire.parse(type, node.textValue());
            }
            errors.add(new ValidationError(field, "must be one of " + Wire.values(type)));
        } catch (IllegalArgumentException e) {
            errors.add(new ValidationError(field, e.getMessage()));
        }
        return null;
    }

    private static boolean absent(JsonNode node) {
        return node == null || node.isNull();
    }
}
