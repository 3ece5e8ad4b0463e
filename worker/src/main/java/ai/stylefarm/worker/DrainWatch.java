package ai.stylefarm.worker;

import ai.stylefarm.domain.storage.Bucket;
import ai.stylefarm.schemas.ObjectKeys;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether an operator drained this worker, from the marker the gateway puts in the bucket (workers never read the
 * database). Checked on a thread of its own, so a slow bucket never holds up the consumer loop; while the bucket
 * cannot be read, the last answer stands.
 */
final class DrainWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DrainWatch.class);
    static final Duration INTERVAL = Duration.ofSeconds(2);

    private final Bucket store;
    private final String marker;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            DaemonThreads.named("drain-watch"));
    private volatile boolean draining;

    DrainWatch(Bucket store, String workerId) {
        this.store = store;
        this.marker = ObjectKeys.drainMarker(workerId);
        timer.scheduleWithFixedDelay(this::check, 0, INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    boolean isDraining() {
        return draining;
    }

    private void check() {
        try {
            boolean now = store.exists(marker);
            if (now != draining) {
                LOG.info(now ? "Drained by an operator: finishing the task in hand, then taking no more"
                        : "Undrained by an operator: taking tasks again");
            }
            draining = now;
        } catch (RuntimeException e) {
            LOG.debug("Could not check {}: {}", marker, e.getMessage());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
