package ai.stylefarm.modelkit.inference;

import java.util.Locale;

/** What the synthesis noise inputs receive. */
public enum NoiseMode {
    /** The model's stored noise maps: the same image every time, as NVIDIA's default. */
    CONST,
    /** Zeros. */
    NONE,
    /** Fresh Gaussian maps, drawn from a generator seeded by the image's seed, so reruns are identical. */
    RANDOM;

    public static NoiseMode parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("noise mode must be one of const, random, none; got '" + text + "'");
        }
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
