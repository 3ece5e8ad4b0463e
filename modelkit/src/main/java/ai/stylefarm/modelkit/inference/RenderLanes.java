package ai.stylefarm.modelkit.inference;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.function.Predicate;

/**
 * Renders a job's batches on several threads side by side and hands the results on in batch order, on the
 * caller's thread.
 *
 * <p>On a CPU, N single-threaded ONNX Runtime runs side by side beat one run split over N threads: a small
 * generator's operators are too short to split well, and a split run waits for its slowest thread at every
 * operator, longer still when encoding or other services take one of the cores for a moment. With one lane the
 * batches run on the caller's thread, one after the other: the reference path.
 *
 * <p>At most {@code lanes + 1} batches are in flight, so a slow consumer holds back rendering, and memory stays
 * bounded. The {@link GeneratorSession} is shared by the lanes; ONNX Runtime sessions take concurrent runs.
 */
public final class RenderLanes implements AutoCloseable {
    private final int lanes;
    private final ExecutorService pool;

    /** @param lanes batches rendered at once; 1 renders on the caller's thread */
    public RenderLanes(int lanes) {
        if (lanes < 1) {
            throw new IllegalArgumentException("lanes must be at least 1, was " + lanes);
        }
        this.lanes = lanes;
        AtomicInteger n = new AtomicInteger();
        this.pool = lanes == 1 ? null : Executors.newFixedThreadPool(lanes, r -> {
            Thread t = new Thread(r, "render-lane-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Renders batches {@code 0 .. count-1} with {@code render} and passes each result to {@code deliver}, in order.
     * Once {@code deliver} answers false, nothing more is started; batches already rendering finish (their session
     * must outlive them) and are dropped. A failed batch is rethrown, after the others in flight have finished.
     *
     * @return true when every batch was delivered
     */
    public <T> boolean run(int count, IntFunction<T> render, Predicate<T> deliver) {
        if (pool == null) {
            for (int i = 0; i < count; i++) {
                if (!deliver.test(render.apply(i))) {
                    return false;
                }
            }
            return true;
        }
        Deque<Future<T>> inFlight = new ArrayDeque<>();
        AtomicBoolean abandoned = new AtomicBoolean();
        int next = 0;
        try {
            for (int i = 0; i < count; i++) {
                while (next < count && inFlight.size() <= lanes) {
                    int batch = next++;
                    inFlight.add(pool.submit(() -> abandoned.get() ? null : render.apply(batch)));
                }
                if (!deliver.test(await(inFlight.poll()))) {
                    return false;
                }
            }
            return true;
        } finally {
            abandoned.set(true);
            drain(inFlight);
        }
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while rendering", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(cause);
        }
    }

    /**
     * Waits for every batch in flight, so no lane still uses the session after we return. Not by cancelling: a
     * cancelled future reports done at once while its batch may still be running.
     */
    private static void drain(Deque<? extends Future<?>> inFlight) {
        boolean interrupted = false;
        for (Future<?> f : inFlight) {
            while (true) {
                try {
                    f.get();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    break; // dropped anyway; the first failure, if any, is already on its way up
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
