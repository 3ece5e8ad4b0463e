package ai.stylefarm.schemas;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What happens to a rendered image on its way into the wild, in the order written and joined by {@code +}:
 * {@code none}; {@code jpeg80} (saved as JPEG at quality 80); {@code resize0.5-bilinear} (resized by a factor from
 * 0.25 to 4 with Pillow's nearest, box, bilinear, bicubic or lanczos filter). Calibration renders its positives
 * through these so that its threshold and its per-perturbation AUC match the images users will check.
 *
 * @param steps each step's canonical text; empty for {@code none}
 */
public record Perturbation(List<String> steps) {
    public static final Perturbation NONE = new Perturbation(List.of());
    public static final List<String> FILTERS = List.of("nearest", "box", "bilinear", "bicubic", "lanczos");
    public static final double MIN_FACTOR = 0.25;
    public static final double MAX_FACTOR = 4;
    private static final Pattern JPEG = Pattern.compile("jpeg(\\d{1,3})");
    private static final Pattern RESIZE = Pattern.compile("resize(\\d+(?:\\.\\d+)?)-([a-z]+)");
    private static final int MAX_STEPS = 4;

    /** One step, parsed. */
    public sealed interface Step permits Jpeg, Resize {}

    public record Jpeg(int quality) implements Step {}

    public record Resize(double factor, String filter) implements Step {}

    public Perturbation {
        steps = List.copyOf(steps);
    }

    @JsonCreator
    public static Perturbation of(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("a perturbation is none, jpegQ or resizeF-FILTER, joined by +");
        }
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (t.equals("none")) {
            return NONE;
        }
        String[] parts = t.split("\\+", -1);
        if (parts.length > MAX_STEPS) {
            throw new IllegalArgumentException("at most " + MAX_STEPS + " steps in a perturbation, got " + parts.length);
        }
        List<String> steps = new ArrayList<>();
        for (String part : parts) {
            steps.add(canonical(parse(part)));
        }
        return new Perturbation(steps);
    }

    /** The steps in order, parsed. */
    public List<Step> parsed() {
        return steps.stream().map(Perturbation::parse).toList();
    }

    @JsonValue
    @Override
    public String toString() {
        return steps.isEmpty() ? "none" : String.join("+", steps);
    }

    private static Step parse(String part) {
        Matcher jpeg = JPEG.matcher(part);
        if (jpeg.matches()) {
            int q = Integer.parseInt(jpeg.group(1));
            if (q < 1 || q > 100) {
                throw new IllegalArgumentException("JPEG quality must be 1 to 100, got " + q);
            }
            return new Jpeg(q);
        }
        Matcher resize = RESIZE.matcher(part);
        if (resize.matches()) {
            double f = Double.parseDouble(resize.group(1));
            if (!(f >= MIN_FACTOR && f <= MAX_FACTOR)) {
                throw new IllegalArgumentException("resize factor must be " + MIN_FACTOR + " to " + MAX_FACTOR + ", got "
                        + resize.group(1));
            }
            if (!FILTERS.contains(resize.group(2))) {
                throw new IllegalArgumentException("resize filter must be one of " + FILTERS + ", got "
                        + resize.group(2));
            }
            return new Resize(f, resize.group(2));
        }
        throw new IllegalArgumentException("unknown perturbation step '" + part
                + "': use none, jpegQ (jpeg80) or resizeF-FILTER (resize0.5-bilinear)");
    }

    private static String canonical(Step step) {
        if (step instanceof Jpeg j) {
            return "jpeg" + j.quality();
        }
        Resize r = (Resize) step;
        return "resize" + (r.factor() == Math.rint(r.factor()) ? String.valueOf((long) r.factor())
                : String.valueOf(r.factor())) + "-" + r.filter();
    }
}
