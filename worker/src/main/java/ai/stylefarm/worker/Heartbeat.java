package ai.stylefarm.worker;

import ai.stylefarm.schemas.TaskEvent;
import ai.stylefarm.schemas.TaskMessage;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one running task's lease alive: every interval a HEARTBEAT, and (at most once a second, so job progress
 * stays live) a PROGRESS when items were finished since the last one. On its own thread, because a single ONNX Runtime call on a large batch can outlast a
 * lease, and the rendering thread cannot speak while it waits.
 */
public final class Heartbeat implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Heartbeat.class);
    private static final long PROGRESS_PERIOD_MILLIS = 1000;

    private final EventPublisher events;
    private final TaskMessage task;
    private final String workerId;
    private final int total;
    private final Clock clock;
    private final HostStats host;
    private final AtomicInteger done = new AtomicInteger();
    private final ScheduledExecutorService timer;
    private final long beatEveryTicks;
    private long ticks = 0;
    private int reported = 0;
    private volatile TaskEvent.Device device;

    public Heartbeat(EventPublisher events, TaskMessage task, String workerId, int total, Duration interval,
                     Clock clock, HostStats host) {
        this.host = host;
        this.events = events;
        this.task = task;
        this.workerId = workerId;
        this.total = total;
        this.clock = clock;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "heartbeat-" + task.taskId());
            t.setDaemon(true);
            return t;
        });
        long millis = Math.min(interval.toMillis(), PROGRESS_PERIOD_MILLIS);
        this.beatEveryTicks = Math.max(1, interval.toMillis() / millis);
        timer.scheduleAtFixedRate(this::tick, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** Once the model is loaded: the device its session runs on, carried by every later HEARTBEAT. */
    public void device(TaskEvent.Device device) {
        this.device = device;
    }

    /** Called by the rendering thread after each stored item; the next tick reports it. */
    public void progressed(int doneSoFar) {
        done.set(doneSoFar);
    }

    private void tick() {
        try {
            if (++ticks % beatEveryTicks == 0) {
                events.send(TaskEvent.heartbeat(task, workerId, device, host.read(), clock.instant()));
            }
            int now = done.get();
            if (now != reported) {
                events.send(TaskEvent.progress(task, workerId, now, total, clock.instant()));
                reported = now;
            }
        } catch (RuntimeException e) {
            // A throwing task would silently end the schedule; one missed beat is better than all later ones.
            LOG.warn("Heartbeat for task {} failed: {}", task.taskId(), e.getMessage());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
