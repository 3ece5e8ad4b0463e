package ai.stylefarm.modelkit.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stylefarm.modelkit.ModelKit;
import ai.stylefarm.modelkit.bundle.ModelBundle;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RenderLanesTest {
    @TempDir
    Path tmp;

    @Test
    void batchesRenderOnSeveralThreadsAndArriveInOrderOnTheCallersThread() {
        Thread caller = Thread.currentThread();
        List<Integer> delivered = new ArrayList<>();
        java.util.Set<String> renderThreads = ConcurrentHashMap.newKeySet();
        try (RenderLanes lanes = new RenderLanes(3)) {
            boolean complete = lanes.run(20, i -> {
                renderThreads.add(Thread.currentThread().getName());
                sleep((20 - i) % 4 * 3L); // later batches often finish first
                return i;
            }, i -> {
                assertSame(caller, Thread.currentThread());
                delivered.add(i);
                return true;
            });
            assertTrue(complete);
        }
        assertEquals(java.util.stream.IntStream.range(0, 20).boxed().toList(), delivered);
        assertTrue(renderThreads.size() > 1, "rendered on " + renderThreads);
        assertFalse(renderThreads.contains(caller.getName()));
    }

    @Test
    void oneLaneRendersOnTheCallersThread() {
        Thread caller = Thread.currentThread();
        List<Integer> delivered = new ArrayList<>();
        try (RenderLanes lanes = new RenderLanes(1)) {
            assertTrue(lanes.run(5, i -> {
                assertSame(caller, Thread.currentThread());
                return i;
            }, delivered::add));
        }
        assertEquals(List.of(0, 1, 2, 3, 4), delivered);
    }

    @Test
    void stoppingStartsNothingMoreAndReturnsOnlyOnceNoBatchIsStillRendering() {
        AtomicInteger rendering = new AtomicInteger();
        AtomicInteger started = new AtomicInteger();
        try (RenderLanes lanes = new RenderLanes(2)) {
            boolean complete = lanes.run(100, i -> {
                rendering.incrementAndGet();
                started.incrementAndGet();
                sleep(20);
                rendering.decrementAndGet();
                return i;
            }, i -> i < 2);
            assertFalse(complete);
            assertEquals(0, rendering.get(), "a lane still renders after run returned");
        }
        assertTrue(started.get() <= 3 + 2, "started " + started.get() + " batches for 3 delivered");
    }

    @Test
    void aFailedBatchIsRethrownAfterTheOthersInFlightFinished() {
        AtomicInteger rendering = new AtomicInteger();
        try (RenderLanes lanes = new RenderLanes(2)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> lanes.run(10, i -> {
                rendering.incrementAndGet();
                try {
                    if (i == 1) {
                        throw new IllegalStateException("batch 1 broke");
                    }
                    sleep(20);
                    return i;
                } finally {
                    rendering.decrementAndGet();
                }
            }, i -> true));
            assertEquals("batch 1 broke", e.getMessage());
            assertEquals(0, rendering.get());
        }
    }

    @Test
    void lanesSharingOneSingleThreadedSessionRenderWhatTheSequentialPathRenders() {
        ModelBundle bundle = ModelKit.writeBundle(ModelKit.randomInit("tiny32", 3), "tiny", tmp);
        long[] seeds = LongStream.range(40, 63).toArray(); // 23: the last batch is short
        RenderOptions options = new RenderOptions(0.7f, null, null, NoiseMode.RANDOM, 4);
        List<Renderer.Rendered> reference;
        try (GeneratorSession session = GeneratorSession.open(bundle, new SessionSettings(ExecutionDevice.CPU, 2))) {
            reference = new Renderer(session).render(seeds, options);
        }
        List<Renderer.Rendered> laned = new ArrayList<>();
        try (GeneratorSession session = GeneratorSession.open(bundle, new SessionSettings(ExecutionDevice.CPU, 1));
             RenderLanes lanes = new RenderLanes(3)) {
            assertTrue(new Renderer(session).render(seeds, options, lanes, laned::addAll));
        }
        assertEquals(seeds.length, laned.size());
        for (int i = 0; i < seeds.length; i++) {
            assertEquals(reference.get(i).seed(), laned.get(i).seed());
            assertArrayEquals(reference.get(i).ws(), laned.get(i).ws());
            assertArrayEquals(reference.get(i).img(), laned.get(i).img(), "seed " + seeds[i]);
        }
    }

    @Test
    void walkFramesOnLanesEqualTheSequentialWalk() {
        ModelBundle bundle = ModelKit.writeBundle(ModelKit.randomInit("tiny32", 3), "tiny", tmp);
        try (GeneratorSession session = GeneratorSession.open(bundle, new SessionSettings(ExecutionDevice.CPU, 1));
             RenderLanes lanes = new RenderLanes(2)) {
            int zDim = bundle.manifest().zDim();
            WalkRenderer walk = new WalkRenderer(session, new WalkRenderer.Walk(
                    List.of(Latents.z(1, zDim), Latents.z(2, zDim), Latents.z(3, zDim), Latents.z(4, zDim)), true,
                    LatentWalk.Kind.LINEAR,
                    true, 8, 2, 1, 1f, null, NoiseMode.CONST));
            List<byte[]> sequential = new ArrayList<>();
            walk.render(2, 11, 4, sequential::add);
            List<byte[]> laned = new ArrayList<>();
            assertTrue(walk.render(2, 11, 4, lanes, laned::addAll));
            assertEquals(11, laned.size());
            for (int i = 0; i < sequential.size(); i++) {
                assertArrayEquals(sequential.get(i), laned.get(i), "frame " + (2 + i));
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
