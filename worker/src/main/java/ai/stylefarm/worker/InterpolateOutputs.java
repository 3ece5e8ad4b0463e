package ai.stylefarm.worker;

import ai.stylefarm.domain.storage.Bucket;
import ai.stylefarm.modelkit.bundle.ModelManifest;
import ai.stylefarm.modelkit.inference.GeneratorSession;
import ai.stylefarm.modelkit.inference.LatentWalk;
import ai.stylefarm.modelkit.inference.Latents;
import ai.stylefarm.modelkit.inference.NoiseMode;
import ai.stylefarm.modelkit.inference.RenderLanes;
import ai.stylefarm.modelkit.inference.WalkRenderer;
import ai.stylefarm.modelkit.io.Npy;
import ai.stylefarm.modelkit.io.Npz;
import ai.stylefarm.modelkit.stylegan.Tensor;
import ai.stylefarm.modelkit.video.H264Encoder;
import ai.stylefarm.modelkit.video.H264Settings;
import ai.stylefarm.modelkit.video.PixelScale;
import ai.stylefarm.schemas.InterpolateTaskSpec;
import ai.stylefarm.schemas.TaskEvent;
import ai.stylefarm.schemas.WalkKind;
import ai.stylefarm.schemas.WalkSpace;
import ai.stylefarm.schemas.documents.FrameLine;
import ai.stylefarm.schemas.documents.ManifestLine;
import ai.stylefarm.schemas.documents.SegmentLine;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;

/**
 * Renders an interpolation task's frame range and encodes it as one H.264 segment, written to a local file and
 * stored with one PUT, so a re-run replaces its predecessor whole. With {@code frames_prefix} every frame is
 * also stored as a PNG. The manifest part describes the segment (and the frames).
 */
final class InterpolateOutputs {
    private InterpolateOutputs() {
    }

    /**
     * @param rendered called once the last frame is rendered: encoding the tail and storing go on without the lanes
     * @return the stored outputs, or null when {@code stopping} ended it early
     * @throws IllegalArgumentException for a keyframe or spec the model cannot take (the task fails for good)
     */
    static List<TaskEvent.Output> render(GeneratorSession session, InterpolateTaskSpec spec, UUID job, Bucket store,
                                         Uploads.Batch uploads, RenderLanes lanes, Path tmp, int batchSize,
                                         IntConsumer progress, BooleanSupplier stopping,
                                         Runnable rendered) {
        if (spec.firstFrame() + spec.frameCount() > spec.totalFrames()) {
            throw new IllegalArgumentException("frames " + spec.firstFrame() + " to " + (spec.firstFrame() + spec.frameCount()
                    - 1) + " reach past the video's " + spec.totalFrames() + " frames");
        }
        WalkRenderer renderer = new WalkRenderer(session, walk(session, spec, store, tmp));
        if (renderer.frameCount() != spec.totalFrames()) {
            throw new IllegalArgumentException("the walk has " + renderer.frameCount() + " frames, the job planned "
                    + spec.totalFrames());
        }
        Path segment;
        try {
            Files.createDirectories(tmp);
            segment = Files.createTempFile(tmp, "segment-", ".mp4");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a local file for the segment", e);
        }
        try {
            int width = renderer.frameWidth();
            int height = renderer.frameHeight();
            int scale = spec.scale() != null ? spec.scale() : PixelScale.auto(width, height);
            long[] done = {0};
            try (H264Encoder encoder = new H264Encoder(segment, width * scale, height * scale,
                    H264Settings.of(spec.fps(), spec.crf(), spec.preset()))) {
                boolean complete;
                try {
                    complete = renderer.render(spec.firstFrame(), spec.frameCount(), batchSize, lanes, frames -> {
                        if (stopping.getAsBoolean()) {
                            return false;
                        }
                        for (byte[] frame : frames) {
                            encoder.write(PixelScale.nearest(frame, width, height, scale));
                            if (spec.framesPrefix() != null) {
                                uploads.frame(store, spec.frameKey(spec.firstFrame() + done[0]), frame, width,
                                        height);
                            }
                            done[0]++;
                        }
                        progress.accept((int) done[0]);
                        return true;
                    });
                } finally {
                    rendered.run();
                }
                if (!complete) {
                    uploads.cancel();
                    return null;
                }
                encoder.finish();
            }
            List<TaskEvent.Output> frames = uploads.await();
            TaskEvent.Output stored = store.uploadIfAbsent(spec.segmentKey(), segment, "video/mp4").output(null);
            List<TaskEvent.Output> outputs = new ArrayList<>();
            outputs.add(stored);
            outputs.addAll(frames);
            List<ManifestLine> part = new ArrayList<>();
            part.add(new SegmentLine(spec.taskIndex(), spec.firstFrame(), spec.frameCount(), stored.key(),
                    stored.sha256(), stored.bytes()));
            for (int i = 0; i < frames.size(); i++) {
                TaskEvent.Output frame = frames.get(i);
                part.add(new FrameLine(spec.firstFrame() + i, frame.key(), frame.sha256(), frame.bytes()));
            }
            outputs.add(ManifestLines.storePart(store, job, spec.taskIndex(), part));
            return outputs;
        } finally {
            try {
                Files.deleteIfExists(segment);
            } catch (IOException e) {
                // A leftover temporary file is harmless; the next task uses a new name.
            }
        }
    }

    private static WalkRenderer.Walk walk(GeneratorSession session, InterpolateTaskSpec spec, Bucket store,
                                          Path tmp) {
        ModelManifest m = session.manifest();
        boolean z = spec.space() == WalkSpace.Z;
        List<Long> seeds = spec.keyframes().stream().map(InterpolateTaskSpec.TaskKeyframe::seed)
                .filter(java.util.Objects::nonNull).distinct().toList();
        Map<Long, float[]> seedLatents = new HashMap<>();
        if (z) {
            seeds.forEach(s -> seedLatents.put(s, Latents.z(s, m.zDim())));
        } else if (!seeds.isEmpty()) {
            List<float[]> ws = WalkRenderer.seedWs(session, seeds, (float) spec.truncationPsi(), spec.classIdx());
            for (int i = 0; i < seeds.size(); i++) {
                seedLatents.put(seeds.get(i), ws.get(i));
            }
        }
        List<float[]> keyframes = new ArrayList<>();
        for (int i = 0; i < spec.keyframes().size(); i++) {
            InterpolateTaskSpec.TaskKeyframe k = spec.keyframes().get(i);
            keyframes.add(k.seed() != null ? seedLatents.get(k.seed()) : storedWs(store, k.wKey(), m, tmp, i));
        }
        return new WalkRenderer.Walk(keyframes, z, spec.walk() == WalkKind.CUBIC ? LatentWalk.Kind.CUBIC
                : LatentWalk.Kind.LINEAR, spec.loop(), spec.framesPerKeyframe(), spec.gridWidth(), spec.gridHeight(),
                (float) spec.truncationPsi(), spec.classIdx(), NoiseMode.parse(spec.noiseMode().value()));
    }

    /** A stored w as ws [num_ws, w_dim]: float32 .npy, or projected_w.npz (key w); one [w_dim] row is broadcast. */
    private static float[] storedWs(Bucket store, String key, ModelManifest m, Path tmp, int index) {
        Tensor w;
        Path file = null;
        try {
            Files.createDirectories(tmp);
            file = Files.createTempFile(tmp, "keyframe-", key.endsWith(".npz") ? ".npz" : ".npy");
            Files.delete(file);
            store.download(key, file);
            if (key.endsWith(".npz")) {
                w = Npz.read(file).get("w");
                if (w == null) {
                    throw new IllegalArgumentException("keyframe " + index + ": " + key + " has no array 'w'");
                }
            } else {
                try (InputStream in = Files.newInputStream(file)) {
                    w = Npy.read(in).toTensor();
                }
            }
        } catch (Bucket.NotFoundException e) {
            throw new IllegalArgumentException("keyframe " + index + ": " + key + " does not exist");
        } catch (IOException | IllegalStateException e) {
            throw new IllegalArgumentException("keyframe " + index + ": " + key + " is not a float array: " + e.getMessage());
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    // Harmless leftover.
                }
            }
        }
        float[] data = w.data();
        if (data.length == m.wDim()) {
            float[] ws = new float[m.numWs() * m.wDim()];
            for (int l = 0; l < m.numWs(); l++) {
                System.arraycopy(data, 0, ws, l * m.wDim(), m.wDim());
            }
            return ws;
        }
        if (data.length != m.numWs() * m.wDim()) {
            throw new IllegalArgumentException("keyframe " + index + ": " + key + " holds " + data.length + " values; model "
                    + m.name() + " takes [" + m.numWs() + ", " + m.wDim() + "] or one [" + m.wDim() + "] row");
        }
        return data;
    }
}
