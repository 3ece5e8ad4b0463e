package ai.stylefarm.cli;

/** A one-line progress bar on stderr: done/total, rate and ETA. */
final class Progress {
    private static final int WIDTH = 30;
    private final long total;
    private final String unit;
    private final long start = System.nanoTime();
    private long done;

    Progress(long total) {
        this(total, "images");
    }

    Progress(long total, String unit) {
        this.total = total;
        this.unit = unit;
    }

    void advance() {
        done++;
        draw();
    }

    /** Jumps to {@code value} done, for progress reported from elsewhere (a job on the farm). */
    void set(long value) {
        done = value;
        draw();
    }

    void finish() {
        draw();
        System.err.println();
    }

    private void draw() {
        double seconds = Math.max(1e-9, (System.nanoTime() - start) / 1e9);
        double rate = done / seconds;
        int filled = (int) (WIDTH * done / Math.max(1, total));
        String eta = rate > 0 ? String.format("%.0fs", (total - done) / rate) : "?";
        System.err.printf("\r[%s%s] %d/%d  %.1f %s/s  ETA %s ", "#".repeat(filled), ".".repeat(WIDTH - filled),
                done, total, rate, unit, eta);
    }
}
