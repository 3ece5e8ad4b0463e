package ai.stylefarm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressTest {
    private final AtomicLong now = new AtomicLong();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private String written() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void inALogItWritesAPlainLineEveryFewSecondsNotOnePerUpdate() {
        Progress progress = new Progress(1000, "frames", out, false, now::get);
        for (int done = 0; done <= 1000; done++) {
            progress.set(done);
            now.addAndGet(100_000_000L); // an update every 0.1 s: 100 s in all
        }
        progress.finish();
        long lines = written().lines().count();
        assertTrue(lines >= 20 && lines <= 22, lines + " lines:\n" + written());
        assertFalse(written().contains("\r"), "no carriage returns in a log");
        assertTrue(written().strip().endsWith("ETA 0s"), written());
        assertTrue(written().contains("1000/1000 frames  10.0 frames/s"), written());
    }

    @Test
    void onATerminalItRedrawsOneLineAtMostFiveTimesASecond() {
        Progress progress = new Progress(100, "images", out, true, now::get);
        for (int done = 0; done <= 100; done++) {
            progress.set(done);
            now.addAndGet(10_000_000L); // every 10 ms: one second in all
        }
        progress.finish();
        long redraws = written().chars().filter(c -> c == '\r').count();
        assertTrue(redraws >= 5 && redraws <= 7, redraws + " redraws");
        assertEquals(1, written().chars().filter(c -> c == '\n').count(), "one line, redrawn in place");
    }

    @Test
    void followingAJobHalfDoneCountsTheRateFromWhatItSawFirst() {
        Progress progress = new Progress(1000, "projections", out, false, now::get);
        progress.set(500);
        assertTrue(written().contains("- projections/s  ETA ?"), written());
        now.addAndGet(10_000_000_000L);
        progress.set(600);
        assertTrue(written().contains("600/1000 projections  10.0 projections/s  ETA 40s"), written());
    }
}
