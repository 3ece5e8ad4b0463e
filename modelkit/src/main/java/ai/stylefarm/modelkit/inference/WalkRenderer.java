package ai.stylefarm.modelkit.inference;

import ai.stylefarm.modelkit.bundle.ModelManifest;
import ai.stylefarm.modelkit.io.Pixels;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Renders the frames of an interpolation video, as stylegan3's gen_video.py: a grid of W×H latent walks, each
 * cell of a frame the synthesis of its walk's w at that frame, tiled row by row into one RGB frame.
 * Walks in W interpolate ws; walks in Z slerp z and map each frame's z (truncated by ψ, conditioned by the class).
 */
public final class WalkRenderer {
    /**
     * @param keyframes grid cell-major: cell {@code c} walks {@code keyframes[c·K .. c·K + K − 1]}; each a
     *                  ws [num_ws, w_dim] for W walks, or a z [z_dim] for Z walks
     * @param psi       for Z walks (W keyframes are truncated when they are made)
     */
    public record Walk(List<float[]> keyframes, boolean zSpace, LatentWalk.Kind kind, boolean loop,
                       int framesPerKeyframe, int gridWidth, int gridHeight, float psi, Integer classIdx,
                       NoiseMode noiseMode) {
        public Walk {
            keyframes = List.copyOf(keyframes);
        }

        int cells() {
            return gridWidth * gridHeight;
        }
    }

    private final GeneratorSession session;
    private final ModelManifest m;
    private final Walk walk;
    private final List<LatentWalk> cells = new ArrayList<>();

    public WalkRenderer(GeneratorSession session, Walk walk) {
        this.session = session;
        this.m = session.manifest();
        this.walk = walk;
        int cellCount = walk.cells();
        if (walk.keyframes().size() % cellCount != 0 || walk.keyframes().size() / cellCount < 2) {
            throw new IllegalArgumentException("a " + walk.gridWidth() + "x" + walk.gridHeight() + " grid needs a multiple"
                    + " of " + cellCount + " keyframes, at least 2 per walk; got " + walk.keyframes().size());
        }
        int expected = walk.zSpace() ? m.zDim() : m.numWs() * m.wDim();
        for (float[] k : walk.keyframes()) {
            if (k.length != expected) {
                throw new IllegalArgumentException("a keyframe has " + k.length + " values, the model needs " + expected
                        + (walk.zSpace() ? " (z_dim)" : " (num_ws × w_dim)"));
            }
        }
        if (walk.zSpace() && walk.kind() == LatentWalk.Kind.CUBIC) {
            throw new IllegalArgumentException("cubic walks run in w; z walks slerp");
        }
        int k = walk.keyframes().size() / cellCount;
        for (int c = 0; c < cellCount; c++) {
            cells.add(new LatentWalk(walk.keyframes().subList(c * k, (c + 1) * k),
                    walk.zSpace() ? LatentWalk.Kind.SLERP : walk.kind(), walk.loop(), walk.framesPerKeyframe()));
        }
    }

    /** ws [num_ws, w_dim] of each seed, mapped and truncated by ψ on every layer, as gen_video.py makes them. */
    public static List<float[]> seedWs(GeneratorSession session, List<Long> seeds, float psi, Integer classIdx) {
        var ws = new StyleMixer(session).styles(seeds, psi, classIdx);
        return seeds.stream().map(ws::get).toList();
    }

    public long frameCount() {
        return cells.get(0).frameCount();
    }

    public int frameWidth() {
        return walk.gridWidth() * m.resolution();
    }

    public int frameHeight() {
        return walk.gridHeight() * m.resolution();
    }

    /** The ws [num_ws, w_dim] of one cell at one frame: what a direct render of that cell takes. */
    public float[] ws(int cell, long frame) {
        float[] ws = new float[m.numWs() * m.wDim()];
        fillWs(List.of(cells.get(cell).at(frame)), ws);
        return ws;
    }

    /**
     * Writes the ws of {@code latents} into {@code ws} [n, num_ws, w_dim]: W walks are ws already; Z walks are
     * mapped in one batch (with the class), then truncated by ψ.
     */
    private void fillWs(List<float[]> latents, float[] ws) {
        int n = latents.size();
        int size = m.numWs() * m.wDim();
        if (!walk.zSpace()) {
            for (int i = 0; i < n; i++) {
                System.arraycopy(latents.get(i), 0, ws, i * size, size);
            }
            return;
        }
        float[] z = new float[n * m.zDim()];
        for (int i = 0; i < n; i++) {
            System.arraycopy(latents.get(i), 0, z, i * m.zDim(), m.zDim());
        }
        System.arraycopy(session.mapTruncated(z, n, walk.classIdx(), walk.psi()), 0, ws, 0, n * size);
    }

    /**
     * Frames {@code [first, first + count)} in order, each as RGB [frameHeight, frameWidth, 3] uint8.
     *
     * @param batchImages images per synthesis run; a batch holds whole frames
     */
    public void render(long first, int count, int batchImages, Consumer<byte[]> frames) {
        checkRange(first, count);
        int cellCount = walk.cells();
        int framesPerBatch = framesPerBatch(batchImages);
        int wsSize = m.numWs() * m.wDim();
        for (long start = first; start < first + count; start += framesPerBatch) {
            int n = (int) Math.min(framesPerBatch, first + count - start);
            int images = n * cellCount;
            List<float[]> latents = new ArrayList<>(images);
            long[] noiseSeeds = new long[images];
            for (int f = 0; f < n; f++) {
                for (int c = 0; c < cellCount; c++) {
                    latents.add(cells.get(c).at(start + f));
                    noiseSeeds[f * cellCount + c] = start + f;
                }
            }
            float[] ws = new float[images * wsSize];
            fillWs(latents, ws);
            float[] img = session.synthesize(ws, images, walk.noiseMode(), noiseSeeds);
            for (int f = 0; f < n; f++) {
                frames.accept(tile(img, f * cellCount));
            }
        }
    }

    /**
     * Frames {@code [first, first + count)} rendered on {@code lanes}, one synthesis batch per lane at a time, and
     * handed on in order, a batch's frames at once, until {@code frames} answers false.
     *
     * @return true when every frame was handed on
     */
    public boolean render(long first, int count, int batchImages, RenderLanes lanes, Predicate<List<byte[]>> frames) {
        checkRange(first, count);
        int framesPerBatch = framesPerBatch(batchImages);
        int batches = (count + framesPerBatch - 1) / framesPerBatch;
        return lanes.run(batches, b -> {
            long start = first + (long) b * framesPerBatch;
            List<byte[]> out = new ArrayList<>(framesPerBatch);
            render(start, (int) Math.min(framesPerBatch, first + count - start), batchImages, out::add);
            return out;
        }, frames);
    }

    private void checkRange(long first, int count) {
        if (first < 0 || count < 0 || first + count > frameCount()) {
            throw new IllegalArgumentException("frames " + first + " to " + (first + count - 1) + " are outside the video's"
                    + " 0 to " + (frameCount() - 1));
        }
    }

    /** Whole frames per synthesis run of {@code batchImages} images (at least one). */
    private int framesPerBatch(int batchImages) {
        return Math.max(1, batchImages / walk.cells());
    }

    /** Cells {@code offset ..} of a synthesis batch laid out row by row as one RGB frame. */
    private byte[] tile(float[] img, int offset) {
        int res = m.resolution();
        int channels = m.imgChannels();
        int width = frameWidth();
        byte[] frame = new byte[frameHeight() * width * 3];
        for (int c = 0; c < walk.cells(); c++) {
            byte[] cell = Pixels.toUint8Hwc(img, offset + c, channels, res, res);
            int x0 = (c % walk.gridWidth()) * res;
            int y0 = (c / walk.gridWidth()) * res;
            for (int y = 0; y < res; y++) {
                for (int x = 0; x < res; x++) {
                    int src = (y * res + x) * channels;
                    int dst = ((y0 + y) * width + x0 + x) * 3;
                    for (int ch = 0; ch < 3; ch++) {
                        // Greyscale models fill all three channels; extra channels (alpha) are not video.
                        frame[dst + ch] = cell[src + Math.min(ch, channels - 1)];
                    }
                }
            }
        }
        return frame;
    }
}
