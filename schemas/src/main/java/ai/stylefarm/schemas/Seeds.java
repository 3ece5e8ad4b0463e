package ai.stylefarm.schemas;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

/**
 * A set of generator seeds as sorted, disjoint, inclusive ranges, written {@code "0-99,105"} on the wire.
 * Overlaps and duplicates collapse, so each seed is rendered, stored and listed in the manifest exactly once.
 * Input follows NVIDIA's {@code parse_range} ({@code "0-99999"}, {@code "1,5,9-12"}) or is a list of seeds.
 */
public final class Seeds {
    /** NumPy's {@code RandomState}, which draws z from the seed, only accepts seeds below 2^32. */
    public static final long MAX_SEED = 0xFFFF_FFFFL;
    /** Bounds the work one request can ask for. */
    public static final int MAX_COUNT = 10_000_000;
    /** Bounds the size of the text, so that a spec always fits in one Kafka record. */
    public static final int MAX_PARTS = 10_000;

    private static final Pattern PART = Pattern.compile("([0-9]+)(?:\\s*-\\s*([0-9]+))?");
    private static final Pattern NEGATIVE = Pattern.compile("-\\s*[0-9]+(?:\\s*-.*)?|[0-9]+\\s*-\\s*-\\s*[0-9]+");

    private final long[] firsts;
    private final long[] lasts;
    private final int count;

    private Seeds(long[] firsts, long[] lasts, int count) {
        this.firsts = firsts;
        this.lasts = lasts;
        this.count = count;
    }

    /**
     * Parses {@code "0-99999"} or {@code "1,5,9-12"} (blanks around numbers allowed).
     *
     * @throws IllegalArgumentException with a message fit to show a user
     */
    public static Seeds parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("must not be empty");
        }
        String[] parts = text.split(",", -1);
        if (parts.length > MAX_PARTS) {
            throw new IllegalArgumentException("has " + parts.length + " entries, more than " + MAX_PARTS);
        }
        List<long[]> ranges = new ArrayList<>(parts.length);
        for (String raw : parts) {
            String part = raw.strip();
            Matcher m = PART.matcher(part);
            if (m.matches()) {
                long first = seed(new BigInteger(m.group(1)));
                long last = m.group(2) == null ? first : seed(new BigInteger(m.group(2)));
                if (last < first) {
                    throw new IllegalArgumentException("range " + first + "-" + last + " is reversed");
                }
                ranges.add(new long[] {first, last});
            } else if (part.isEmpty()) {
                throw new IllegalArgumentException("has an empty entry; write ranges like \"0-99,105\"");
            } else if (NEGATIVE.matcher(part).matches()) {
                throw new IllegalArgumentException("'" + part + "' is negative; seeds are 0 to " + MAX_SEED);
            } else {
                throw new IllegalArgumentException("'" + part + "' is neither a seed nor a range like 0-99");
            }
        }
        return of(ranges);
    }

    /** @throws IllegalArgumentException for an empty collection, an out-of-range seed or too many seeds */
    public static Seeds of(Collection<Long> seeds) {
        if (seeds.size() > MAX_PARTS) {
            throw new IllegalArgumentException("has " + seeds.size() + " entries, more than " + MAX_PARTS);
        }
        List<long[]> ranges = new ArrayList<>(seeds.size());
        for (Long s : seeds) {
            long seed = seed(BigInteger.valueOf(s));
            ranges.add(new long[] {seed, seed});
        }
        return of(ranges);
    }

    /** The seeds {@code first..last}, both included. */
    public static Seeds range(long first, long last) {
        if (last < first) {
            throw new IllegalArgumentException("range " + first + "-" + last + " is reversed");
        }
        return of(List.of(new long[] {seed(BigInteger.valueOf(first)), seed(BigInteger.valueOf(last))}));
    }

    /** Checks one seed; shared with spec validation so that list entries get the same messages. */
    static long seed(BigInteger value) {
        if (value.signum() < 0) {
            throw new IllegalArgumentException("seed " + value + " is negative; seeds are 0 to " + MAX_SEED);
        }
        if (value.compareTo(BigInteger.valueOf(MAX_SEED)) > 0) {
            throw new IllegalArgumentException("seed " + value + " is above " + MAX_SEED
                    + " (NumPy RandomState seeds must be below 2^32)");
        }
        return value.longValue();
    }

    private static Seeds of(List<long[]> ranges) {
        if (ranges.isEmpty()) {
            throw new IllegalArgumentException("must not be empty");
        }
        List<long[]> sorted = new ArrayList<>(ranges);
        sorted.sort(Comparator.comparingLong(r -> r[0]));
        long[] firsts = new long[sorted.size()];
        long[] lasts = new long[sorted.size()];
        int n = 0;
        long total = 0;
        for (long[] r : sorted) {
            if (n > 0 && r[0] <= lasts[n - 1] + 1) {
                long grown = Math.max(lasts[n - 1], r[1]);
                total += grown - lasts[n - 1];
                lasts[n - 1] = grown;
            } else {
                firsts[n] = r[0];
                lasts[n] = r[1];
                total += r[1] - r[0] + 1;
                n++;
            }
        }
        if (total > MAX_COUNT) {
            throw new IllegalArgumentException("asks for " + total + " seeds, more than " + MAX_COUNT);
        }
        return new Seeds(Arrays.copyOf(firsts, n), Arrays.copyOf(lasts, n), (int) total);
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static Seeds fromJson(JsonNode node) {
        if (node.isTextual()) {
            return parse(node.textValue());
        }
        if (node.isArray()) {
            List<Long> seeds = new ArrayList<>(node.size());
            for (JsonNode s : node) {
                if (!s.isIntegralNumber()) {
                    throw new IllegalArgumentException("list entries must be integers");
                }
                seeds.add(seed(s.bigIntegerValue()));
            }
            return of(seeds);
        }
        throw new IllegalArgumentException("must be a string like \"0-99,105\" or a list of integers");
    }

    public int count() {
        return count;
    }

    /** Every seed, ascending. */
    public LongStream stream() {
        return IntStream.range(0, firsts.length)
                .boxed()
                .flatMapToLong(i -> LongStream.rangeClosed(firsts[i], lasts[i]));
    }

    /** How many chunks of {@code size} seeds these seeds make; the last may be smaller. */
    public int chunkCount(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("chunk size must be positive, was " + size);
        }
        return (int) ((count + (long) size - 1) / size);
    }

    /**
     * Chunk {@code index} of {@code size} seeds: the seeds at sorted positions {@code [index·size, (index+1)·size)}.
     * Made on demand, so a planner can take a 10M-seed job a window at a time.
     */
    public Seeds chunk(int index, int size) {
        if (index < 0 || index >= chunkCount(size)) {
            throw new IndexOutOfBoundsException("chunk " + index + " of " + chunkCount(size));
        }
        long skip = (long) index * size;
        long room = size;
        List<long[]> parts = new ArrayList<>();
        for (int i = 0; i < firsts.length && room > 0; i++) {
            long length = lasts[i] - firsts[i] + 1;
            if (skip >= length) {
                skip -= length;
                continue;
            }
            long first = firsts[i] + skip;
            long last = Math.min(lasts[i], first + room - 1);
            parts.add(new long[] {first, last});
            room -= last - first + 1;
            skip = 0;
        }
        return of(parts);
    }

    /** The compact form, e.g. {@code "0-99,105"}; {@link #parse} reads it back. */
    @JsonValue
    @Override
    public String toString() {
        return IntStream.range(0, firsts.length)
                .mapToObj(i -> firsts[i] == lasts[i] ? Long.toString(firsts[i]) : firsts[i] + "-" + lasts[i])
                .collect(Collectors.joining(","));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Seeds other && Arrays.equals(firsts, other.firsts) && Arrays.equals(lasts, other.lasts);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(firsts) + Arrays.hashCode(lasts);
    }
}
