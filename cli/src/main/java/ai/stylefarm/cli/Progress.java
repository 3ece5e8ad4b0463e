package ai.stylefarm.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress on stderr: done/total, rate and ETA. On a terminal one line redrawn in place, at most five times a
 * second; in a log (stderr redirected) a plain line every few seconds, so a long job leaves a few hundred lines,
 * not one per update. The rate counts from the first value seen, so following a job that is already half done does
 * not start with an inflated rate.
 */
final class Progress {
    static final long REDRAW_NANOS = 200_000_000L;
    static final long LOG_LINE_NANOS = 5_000_000_000L;
    private static final int WIDTH = 30;

    private final long total;
    private final String unit;
    private final PrintStream out;
    private final boolean terminal;
    private final LongSupplier clock;
    private long firstValue = -1;
    private long firstNanos;
    private long lastDrawn;
    private long done;

    Progress(long total, String unit) {
        this(total, unit, System.err, System.console() != null, System::nanoTime);
    }

    Progress(long total, String unit, PrintStream out, boolean terminal, LongSupplier clock) {
        this.total = total;
        this.unit = unit;
        this.out = out;
        this.terminal = terminal;
        this.clock = clock;
    }

    void advance() {
        set(done + 1);
    }

    /** Jumps to {@code value} done, for progress reported from elsewhere (a job on the farm). */
    void set(long value) {
        long now = clock.getAsLong();
        boolean first = firstValue < 0;
        if (first) {
            firstValue = value;
            firstNanos = now;
        }
        done = value;
        if (first || now - lastDrawn >= (terminal ? REDRAW_NANOS : LOG_LINE_NANOS)) {
            draw(now);
        }
    }

    void finish() {
        draw(clock.getAsLong());
        if (terminal) {
            out.println();
        }
    }

    private void draw(long now) {
        lastDrawn = now;
        double seconds = (now - firstNanos) / 1e9;
        long counted = done - Math.max(0, firstValue);
        String rate = seconds >= 0.5 && counted > 0 ? String.format(Locale.ROOT, "%.1f %s/s", counted / seconds, unit)
                : "- " + unit + "/s";
        String eta = seconds >= 0.5 && counted > 0
                ? String.format(Locale.ROOT, "ETA %.0fs", (total - done) * seconds / counted) : "ETA ?";
        if (terminal) {
            int filled = (int) (WIDTH * done / Math.max(1, total));
            out.printf(Locale.ROOT, "\r[%s%s] %d/%d  %s  %s ", "#".repeat(filled), ".".repeat(WIDTH - filled), done,
                    total, rate, eta);
        } else {
            out.printf(Locale.ROOT, "%d/%d %s  %s  %s%n", done, total, unit, rate, eta);
        }
    }
}
