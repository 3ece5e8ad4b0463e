package ai.stylefarm.scheduler.duties;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jboss.logging.Logger;

/**
 * Runs the periodic duties one after another on one thread, every tick or at once when nudged, while this process
 * leads (one scheduler of several is active; the others wait on the same ticks to take over). One thread keeps
 * them from contending for the same rows; a failing duty is logged (once per distinct reason a minute, so a
 * database outage does not flood the log) and tried again on the next tick.
 */
public final class DutyRunner implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(DutyRunner.class);
    private static final long REPEAT_LOG_MILLIS = 60_000;

    private final List<Runnable> duties;
    private final Duration tick;
    private final BooleanSupplier leading;
    private final Semaphore nudges = new Semaphore(0);
    private final Map<String, Long> lastLogged = new HashMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    /** @param leading asked before every round: whether this process is the active scheduler */
    public DutyRunner(String name, List<Runnable> duties, Duration tick, BooleanSupplier leading) {
        this.duties = List.copyOf(duties);
        this.tick = tick;
        this.leading = leading;
        this.thread = new Thread(this::loop, name);
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** Run the duties now: a job was planned or a task ended. */
    public void nudge() {
        nudges.release();
    }

    private void loop() {
        while (running) {
            for (Runnable duty : leading.getAsBoolean() ? duties : List.<Runnable>of()) {
                try {
                    duty.run();
                } catch (RuntimeException e) {
                    logThrottled(duty.getClass().getSimpleName(), e);
                }
            }
            try {
                nudges.tryAcquire(tick.toMillis(), TimeUnit.MILLISECONDS);
                nudges.drainPermits();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void logThrottled(String duty, RuntimeException e) {
        String key = duty + ": " + e.getMessage();
        long now = System.currentTimeMillis();
        Long last = lastLogged.get(key);
        if (last == null || now - last > REPEAT_LOG_MILLIS) {
            lastLogged.put(key, now);
            LOG.warnf(e, "%s failed (retrying every tick)", duty);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        nudge();
        thread.join(10_000);
    }
}
