package ai.stylefarm.modelkit.inference;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Seed lists as NVIDIA's tools write them: "0-99,105,200-210". */
public final class SeedRange {
    public static final long MAX_SEED = 0xffffffffL;

    private SeedRange() {}

    /** Most seeds one list may name; callers with quotas pass their own limit. */
    public static final long DEFAULT_MAX_COUNT = 10_000_000L;

    public static long[] parse(String text) {
        return parse(text, DEFAULT_MAX_COUNT);
    }

    /** Parses the seed syntax; duplicates are dropped, order of first appearance kept. */
    public static long[] parse(String text, long maxCount) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("seeds must not be empty");
        }
        Set<Long> seeds = new LinkedHashSet<>();
        for (String part : text.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                throw new IllegalArgumentException("seeds '" + text + "' has an empty element");
            }
            int dash = p.indexOf('-', 1);
            long lo = parseSeed(dash < 0 ? p : p.substring(0, dash), text);
            long hi = dash < 0 ? lo : parseSeed(p.substring(dash + 1), text);
            if (hi < lo) {
                throw new IllegalArgumentException("seed range '" + p + "' ends before it starts");
            }
            if (seeds.size() + (hi - lo + 1) > maxCount) {
                throw new IllegalArgumentException("seeds '" + abbreviate(text) + "' name more than " + maxCount + " seeds");
            }
            for (long s = lo; s <= hi; s++) {
                seeds.add(s);
            }
        }
        return seeds.stream().mapToLong(Long::longValue).toArray();
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    private static long parseSeed(String s, String whole) {
        long v;
        try {
            v = Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("seeds '" + whole + "': '" + s.trim() + "' is not a whole number");
        }
        if (v < 0 || v > MAX_SEED) {
            throw new IllegalArgumentException("seeds '" + whole + "': " + v + " is outside 0 to 2^32-1");
        }
        return v;
    }

    public static List<Long> asList(long[] seeds) {
        List<Long> out = new ArrayList<>(seeds.length);
        for (long s : seeds) {
            out.add(s);
        }
        return out;
    }
}
