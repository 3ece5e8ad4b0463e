package ai.stylefarm.schemas;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The REST spec of a {@link JobKind#INTERPOLATE} job: a latent walk through keyframes rendered as an H.264 video, as
 * stylegan3's gen_video.py. With a grid of W×H walks, the keyframes are dealt out in order, K = keyframes / (W·H)
 * to each cell: cell (x, y) walks keyframes {@code (y·W + x)·K} to {@code (y·W + x)·K + K − 1}.
 * {@code seeds: "1,2,3"} is shorthand for keyframes that are all seeds.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InterpolateJobSpec(
        List<Keyframe> keyframes,
        WalkSpace space,
        WalkKind kind,
        int framesPerKeyframe,
        boolean loop,
        int fps,
        String grid,
        double truncationPsi,
        Integer classIdx,
        NoiseMode noiseMode,
        boolean keepFrames,
        int crf,
        String preset,
        Integer framesPerTask,
        Integer scale) {

    private static final List<String> FIELDS = List.of("keyframes", "seeds", "space", "kind", "frames_per_keyframe",
            "loop", "fps", "grid", "truncation_psi", "class_idx", "noise_mode", "keep_frames", "crf", "preset",
            "frames_per_task", "scale");
    public static final int DEFAULT_FRAMES_PER_KEYFRAME = 120;
    public static final int DEFAULT_FPS = 60;
    public static final int MAX_FPS = 240;
    public static final int MAX_KEYFRAMES = 256;
    public static final int MAX_GRID_SIDE = 16;
    public static final int MAX_FRAMES_PER_KEYFRAME = 10_000;
    public static final long MAX_FRAMES = 1_000_000;
    /** x264's constant rate factor: 12 keeps even noise-like random-init frames above 35 dB PSNR (FarmVideoTest). */
    public static final int DEFAULT_CRF = 12;
    public static final String DEFAULT_PRESET = "medium";
    public static final Set<String> PRESETS = Set.of("ultrafast", "superfast", "veryfast", "faster", "fast", "medium",
            "slow", "slower", "veryslow");
    private static final Pattern GRID = Pattern.compile("([0-9]{1,3})x([0-9]{1,3})");
    /**
     * A trained generator's w lies within a few tens of zero. Far beyond, the synthesis network's float32 arithmetic
     * overflows (styles are squared in the demodulation) and renders NaN; past float32's range w is not even stored.
     */
    static final double MAX_ABS_W = 1000;

    public InterpolateJobSpec {
        keyframes = List.copyOf(keyframes);
        Objects.requireNonNull(space, "space");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(noiseMode, "noiseMode");
        Objects.requireNonNull(grid, "grid");
        Objects.requireNonNull(preset, "preset");
    }

    public static List<ValidationError> validate(JsonNode spec) {
        List<ValidationError> errors = new ArrayList<>();
        read(spec, errors);
        return errors;
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static InterpolateJobSpec parse(JsonNode spec) {
        List<ValidationError> errors = new ArrayList<>();
        InterpolateJobSpec parsed = read(spec, errors);
        if (!errors.isEmpty()) {
            throw new InvalidSpecException(errors);
        }
        return parsed;
    }

    @JsonIgnore
    public int gridWidth() {
        return gridSide(grid, 1);
    }

    @JsonIgnore
    public int gridHeight() {
        return gridSide(grid, 2);
    }

    /** Keyframes per grid cell. */
    @JsonIgnore
    public int keyframesPerCell() {
        return keyframes.size() / (gridWidth() * gridHeight());
    }

    /** Frames of the video: {@code K · fpk} for a loop, {@code (K − 1) · fpk + 1} for an open walk. */
    @JsonIgnore
    public long frameCount() {
        int k = keyframesPerCell();
        return loop ? (long) k * framesPerKeyframe : (long) (k - 1) * framesPerKeyframe + 1;
    }

    /** Images rendered: every cell of every frame; what quotas count. */
    @JsonIgnore
    public long imageCount() {
        return frameCount() * gridWidth() * gridHeight();
    }

    public int taskCount(int defaultFramesPerTask) {
        long size = framesPerTask(defaultFramesPerTask);
        return (int) ((frameCount() + size - 1) / size);
    }

    public int framesPerTask(int defaultFramesPerTask) {
        return framesPerTask != null ? framesPerTask : defaultFramesPerTask;
    }

    /**
     * Task {@code index}: frames {@code [index·size, min(total, (index+1)·size))}, encoded as segment
     * {@code index}.
     *
     * @param keyframeKeys where each keyframe's w lives in the bucket; null entries for seed keyframes
     */
    public InterpolateTaskSpec forTask(int index, int defaultFramesPerTask, UUID jobId, List<String> keyframeKeys) {
        int size = framesPerTask(defaultFramesPerTask);
        long first = (long) index * size;
        int count = (int) Math.min(size, frameCount() - first);
        List<InterpolateTaskSpec.TaskKeyframe> keys = new ArrayList<>(keyframes.size());
        for (int i = 0; i < keyframes.size(); i++) {
            keys.add(keyframes.get(i).isSeed() ? new InterpolateTaskSpec.TaskKeyframe(keyframes.get(i).seed(), null)
                    : new InterpolateTaskSpec.TaskKeyframe(null, keyframeKeys.get(i)));
        }
        return new InterpolateTaskSpec(keys, space, kind, framesPerKeyframe, loop, fps, gridWidth(), gridHeight(),
                truncationPsi, classIdx, noiseMode, crf, preset, scale, first, count, frameCount(),
                ObjectKeys.segment(jobId, index), keepFrames ? ObjectKeys.frames(jobId) : null, index);
    }

    private static int gridSide(String grid, int group) {
        Matcher m = GRID.matcher(grid);
        if (!m.matches()) {
            throw new IllegalStateException("grid '" + grid + "' was not validated");
        }
        return Integer.parseInt(m.group(group));
    }

    private static InterpolateJobSpec read(JsonNode spec, List<ValidationError> errors) {
        if (!SpecFields.object(spec, FIELDS, errors)) {
            return null;
        }
        List<Keyframe> keyframes = keyframes(spec, errors);
        WalkSpace space = SpecFields.choice(spec, "space", WalkSpace.class, WalkSpace.W, errors);
        WalkKind kind = SpecFields.choice(spec, "kind", WalkKind.class,
                space == WalkSpace.Z ? WalkKind.LINEAR : WalkKind.CUBIC, errors);
        Integer fpk = SpecFields.bounded(spec, "frames_per_keyframe", 1, MAX_FRAMES_PER_KEYFRAME, errors);
        Boolean loop = SpecFields.flag(spec, "loop", errors);
        Integer fps = SpecFields.bounded(spec, "fps", 1, MAX_FPS, errors);
        String grid = grid(spec.get("grid"), errors);
        double psi = SpecFields.psi(spec.get("truncation_psi"), errors);
        Integer classIdx = SpecFields.index(spec, "class_idx", errors);
        NoiseMode noise = SpecFields.choice(spec, "noise_mode", NoiseMode.class, NoiseMode.CONST, errors);
        Boolean keepFrames = SpecFields.flag(spec, "keep_frames", errors);
        Integer crf = SpecFields.bounded(spec, "crf", 0, 51, errors);
        String preset = preset(spec.get("preset"), errors);
        Integer framesPerTask = SpecFields.bounded(spec, "frames_per_task", 1, 100_000, errors);
        Integer scale = SpecFields.bounded(spec, "scale", 1, 8, errors);
        if (space == WalkSpace.Z && kind == WalkKind.CUBIC) {
            errors.add(new ValidationError("kind", "cubic walks run in w; with space z the walk is a slerp (kind linear)"));
        }
        if (space == WalkSpace.Z && keyframes != null && !keyframes.stream().allMatch(Keyframe::isSeed)) {
            errors.add(new ValidationError("keyframes", "space z needs seed keyframes: a w or a projection has no z"));
        }
        if (!errors.isEmpty()) {
            return null;
        }
        InterpolateJobSpec parsed = new InterpolateJobSpec(keyframes, space, kind,
                fpk == null ? DEFAULT_FRAMES_PER_KEYFRAME : fpk, Boolean.TRUE.equals(loop),
                fps == null ? DEFAULT_FPS : fps, grid, psi, classIdx, noise, Boolean.TRUE.equals(keepFrames),
                crf == null ? DEFAULT_CRF : crf, preset, framesPerTask, scale);
        int cells = parsed.gridWidth() * parsed.gridHeight();
        if (keyframes.size() % cells != 0 || keyframes.size() / cells < 2) {
            errors.add(new ValidationError("grid", "a " + grid + " grid has " + cells + " walks, so the keyframe count"
                    + " must be a multiple of " + cells + " with at least 2 per walk; got " + keyframes.size()));
            return null;
        }
        if (parsed.frameCount() > MAX_FRAMES) {
            errors.add(new ValidationError("frames_per_keyframe", "the video would have " + parsed.frameCount()
                    + " frames, more than " + MAX_FRAMES));
            return null;
        }
        return parsed;
    }

    private static List<Keyframe> keyframes(JsonNode spec, List<ValidationError> errors) {
        JsonNode seeds = spec.get("seeds");
        JsonNode list = spec.get("keyframes");
        if (SpecFields.absent(seeds) == SpecFields.absent(list)) {
            errors.add(new ValidationError("keyframes", "give exactly one of keyframes (seeds, ws or projections) or"
                    + " seeds (\"1,2,3,4\")"));
            return null;
        }
        List<Keyframe> keyframes = new ArrayList<>();
        if (!SpecFields.absent(seeds)) {
            try {
                if (seeds.isTextual()) {
                    for (String part : seeds.textValue().split(",")) {
                        Seeds.parse(part.strip()).stream().limit(MAX_KEYFRAMES + 1L)
                                .forEach(s -> keyframes.add(Keyframe.ofSeed(s)));
                    }
                } else if (seeds.isArray()) {
                    for (JsonNode s : seeds) {
                        if (!s.isIntegralNumber()) {
                            throw new IllegalArgumentException("list entries must be integers");
                        }
                        keyframes.add(Keyframe.ofSeed(Seeds.seed(s.bigIntegerValue())));
                    }
                } else {
                    throw new IllegalArgumentException("must be a string like \"1,2,3,4\" or a list of integers");
                }
            } catch (IllegalArgumentException e) {
                errors.add(new ValidationError("seeds", e.getMessage()));
                return null;
            }
        } else if (!list.isArray()) {
            errors.add(new ValidationError("keyframes", "must be a list of seeds or of {seed}, {w} or {projection,"
                    + " target} objects"));
            return null;
        } else {
            for (int i = 0; i < list.size(); i++) {
                Keyframe k = keyframe(list.get(i), "keyframes[" + i + "]", errors);
                if (k == null) {
                    return null;
                }
                keyframes.add(k);
            }
        }
        String field = SpecFields.absent(seeds) ? "keyframes" : "seeds";
        if (keyframes.size() < 2 || keyframes.size() > MAX_KEYFRAMES) {
            errors.add(new ValidationError(field, "an interpolation needs 2 to " + MAX_KEYFRAMES + " keyframes, got "
                    + keyframes.size()));
            return null;
        }
        return keyframes;
    }

    private static Keyframe keyframe(JsonNode node, String field, List<ValidationError> errors) {
        try {
            if (node.isIntegralNumber()) {
                return Keyframe.ofSeed(Seeds.seed(node.bigIntegerValue()));
            }
            if (!node.isObject() || node.size() == 0) {
                throw new IllegalArgumentException("must be a seed, {\"seed\": n}, {\"w\": [...]} or"
                        + " {\"projection\": job id, \"target\": i}");
            }
            for (var names = node.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!List.of("seed", "w", "projection", "target").contains(name)) {
                    throw new IllegalArgumentException("unknown field '" + name + "'; a keyframe has seed, w, or"
                            + " projection and target");
                }
            }
            if (node.has("seed")) {
                if (node.size() != 1 || !node.get("seed").isIntegralNumber()) {
                    throw new IllegalArgumentException("a seed keyframe is {\"seed\": integer} and nothing else");
                }
                return Keyframe.ofSeed(Seeds.seed(node.get("seed").bigIntegerValue()));
            }
            if (node.has("w")) {
                if (node.size() != 1) {
                    throw new IllegalArgumentException("a w keyframe is {\"w\": [...]} and nothing else");
                }
                return new Keyframe(null, ws(node.get("w")), null, null);
            }
            JsonNode job = node.get("projection");
            if (job == null || !job.isTextual()) {
                throw new IllegalArgumentException("projection must be the id of a finished projection job");
            }
            UUID id;
            try {
                id = UUID.fromString(job.textValue());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("projection '" + job.textValue() + "' is not a job id");
            }
            JsonNode target = node.get("target");
            if (target != null && !SpecFields.integerIn(target, 0, 100_000)) {
                throw new IllegalArgumentException("target must be the index of a projection target (0 or more)");
            }
            return new Keyframe(null, null, id, target == null ? 0 : target.intValue());
        } catch (IllegalArgumentException e) {
            errors.add(new ValidationError(field, e.getMessage()));
            return null;
        }
    }

    /** [w_dim], [n][w_dim] or [1][n][w_dim] as NVIDIA's projected_w: rows of equal length, finite numbers. */
    private static float[][] ws(JsonNode node) {
        if (node.isArray() && node.size() == 1 && node.get(0).isArray() && node.get(0).size() > 0
                && node.get(0).get(0).isArray()) {
            node = node.get(0);
        }
        if (!node.isArray() || node.isEmpty()) {
            throw new IllegalArgumentException("w must be a list of numbers [w_dim] or of rows [num_ws][w_dim]");
        }
        List<JsonNode> rows = new ArrayList<>();
        if (node.get(0).isArray()) {
            node.forEach(rows::add);
        } else {
            rows.add(node);
        }
        float[][] w = new float[rows.size()][];
        for (int r = 0; r < rows.size(); r++) {
            JsonNode row = rows.get(r);
            if (!row.isArray() || row.size() != rows.get(0).size()) {
                throw new IllegalArgumentException("w rows must all have the same length");
            }
            w[r] = new float[row.size()];
            for (int i = 0; i < row.size(); i++) {
                JsonNode v = row.get(i);
                if (!v.isNumber() || !(Math.abs(v.doubleValue()) <= MAX_ABS_W)) {
                    throw new IllegalArgumentException("w holds numbers from -" + (int) MAX_ABS_W + " to "
                            + (int) MAX_ABS_W + " only");
                }
                w[r][i] = v.floatValue();
            }
        }
        return w;
    }

    private static String grid(JsonNode node, List<ValidationError> errors) {
        if (SpecFields.absent(node)) {
            return "1x1";
        }
        Matcher m = node.isTextual() ? GRID.matcher(node.textValue()) : null;
        if (m == null || !m.matches() || Integer.parseInt(m.group(1)) < 1 || Integer.parseInt(m.group(2)) < 1
                || Integer.parseInt(m.group(1)) > MAX_GRID_SIDE || Integer.parseInt(m.group(2)) > MAX_GRID_SIDE) {
            errors.add(new ValidationError("grid", "must be WxH with W and H from 1 to " + MAX_GRID_SIDE + ", e.g. \"2x2\""));
            return null;
        }
        return Integer.parseInt(m.group(1)) + "x" + Integer.parseInt(m.group(2));
    }

    private static String preset(JsonNode node, List<ValidationError> errors) {
        if (SpecFields.absent(node)) {
            return DEFAULT_PRESET;
        }
        if (!node.isTextual() || !PRESETS.contains(node.textValue())) {
            errors.add(new ValidationError("preset", "must be an x264 preset: ultrafast, superfast, veryfast, faster,"
                    + " fast, medium, slow, slower or veryslow"));
            return null;
        }
        return node.textValue();
    }
}
