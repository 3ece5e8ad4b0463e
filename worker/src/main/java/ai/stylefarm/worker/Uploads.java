package ai.stylefarm.worker;

import ai.stylefarm.domain.storage.Bucket;
import ai.stylefarm.modelkit.io.Pixels;
import ai.stylefarm.schemas.ImageFormat;
import ai.stylefarm.schemas.TaskEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/**
 * Encodes and stores a task's images on a small pool while the rendering thread goes on. One object store request
 * takes longer than rendering a small image, so storing them one after another would leave the CPU idle most of
 * the time. At most {@code 2 × threads} images wait, which bounds the memory a fast renderer can pile up.
 */
final class Uploads implements AutoCloseable {
    private final ExecutorService pool;
    private final Semaphore room;
    private final int capacity;

    Uploads(int threads) {
        this.pool = Executors.newFixedThreadPool(threads, DaemonThreads.named("upload"));
        this.capacity = 2 * threads;
        this.room = new Semaphore(capacity);
    }

    /** One task's uploads, awaited together before the task may report success. */
    final class Batch {
        private final List<Future<TaskEvent.Output>> pending = new ArrayList<>();

        /** Queues one image: encoded and stored on the pool. Blocks while the pool is full. */
        void image(Bucket store, String key, Long seed, byte[] hwc, int size, int channels, ImageFormat format,
                   Integer quality) {
            submit(store, key, seed, () -> ImageEncoding.encode(hwc, size, channels, format, quality),
                    ImageEncoding.contentType(format));
        }

        /** Queues one RGB video frame [height, width, 3] as a PNG. */
        void frame(Bucket store, String key, byte[] rgb, int width, int height) {
            submit(store, key, null, () -> Pixels.png(rgb, height, width, 3), "image/png");
        }

        private void submit(Bucket store, String key, Long seed, Supplier<byte[]> encoder, String contentType) {
            try {
                room.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while queueing an upload", e);
            }
            pending.add(pool.submit(() -> {
                try {
                    return store.putIfAbsent(key, encoder.get(), contentType).output(seed);
                } finally {
                    room.release();
                }
            }));
        }

        int done() {
            return (int) pending.stream().filter(Future::isDone).count();
        }

        /** Every output in submission order; the first failure is rethrown. */
        List<TaskEvent.Output> await() {
            List<TaskEvent.Output> outputs = new ArrayList<>(pending.size());
            try {
                for (Future<TaskEvent.Output> f : pending) {
                    outputs.add(f.get());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while storing outputs", e);
            } catch (ExecutionException e) {
                cancel();
                Throwable cause = e.getCause();
                throw cause instanceof RuntimeException re ? re : new IllegalStateException(cause);
            }
            return outputs;
        }

        /** Abandons what has not started yet; started uploads finish (their keys are deterministic anyway). */
        void cancel() {
            pending.forEach(f -> f.cancel(false));
        }
    }

    Batch batch() {
        return new Batch();
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
