package ai.stylefarm.modelkit.inference;

import ai.stylefarm.modelkit.bundle.ModelManifest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/** Seeds → images through a {@link GeneratorSession}: z from the seed, mapping, truncation, synthesis, in batches. */
public final class Renderer {

    /** One rendered image: its seed, z [z_dim], ws [num_ws, w_dim] and raw img [C, H, W]. */
    public record Rendered(long seed, float[] z, float[] ws, float[] img) {}

    private final GeneratorSession session;
    private final ModelManifest m;

    public Renderer(GeneratorSession session) {
        this.session = session;
        this.m = session.manifest();
    }

    /** Checks options against the model, with messages that name the offending field. */
    public void validate(RenderOptions options) {
        if (m.cDim() > 0 && options.classIdx() == null) {
            throw new IllegalArgumentException("class_idx is required: model '" + m.name() + "' is conditional with "
                    + m.cDim() + " classes");
        }
        if (m.cDim() == 0 && options.classIdx() != null) {
            throw new IllegalArgumentException("class_idx must not be set: model '" + m.name() + "' is unconditional");
        }
        if (options.classIdx() != null && (options.classIdx() < 0 || options.classIdx() >= m.cDim())) {
            throw new IllegalArgumentException("class_idx " + options.classIdx() + " is out of range [0, " + m.cDim() + ")");
        }
    }

    public List<Rendered> render(long[] seeds, RenderOptions options) {
        List<Rendered> out = new ArrayList<>(seeds.length);
        render(seeds, options, out::add);
        return out;
    }

    /** Renders batch by batch and hands each image on in seed order, so memory does not grow with the seed count. */
    public void render(long[] seeds, RenderOptions options, Consumer<Rendered> sink) {
        validate(options);
        for (int start = 0; start < seeds.length; start += options.batchSize()) {
            long[] batch = Arrays.copyOfRange(seeds, start, Math.min(seeds.length, start + options.batchSize()));
            renderBatch(batch, options).forEach(sink);
        }
    }

    /**
     * Renders batch by batch on {@code lanes} and hands each batch on in seed order, until {@code sink} answers
     * false. With one lane this is {@link #render(long[], RenderOptions, Consumer)}, batch-wise.
     *
     * @return true when every batch was handed on
     */
    public boolean render(long[] seeds, RenderOptions options, RenderLanes lanes, Predicate<List<Rendered>> sink) {
        validate(options);
        int size = options.batchSize();
        int batches = (seeds.length + size - 1) / size;
        return lanes.run(batches, b -> renderBatch(Arrays.copyOfRange(seeds, b * size,
                Math.min(seeds.length, (b + 1) * size)), options), sink);
    }

    private List<Rendered> renderBatch(long[] seeds, RenderOptions options) {
        int n = seeds.length;
        float[] z = new float[n * m.zDim()];
        for (int i = 0; i < n; i++) {
            System.arraycopy(Latents.z(seeds[i], m.zDim()), 0, z, i * m.zDim(), m.zDim());
        }
        float[] c = null;
        if (m.cDim() > 0) {
            c = new float[n * m.cDim()];
            for (int i = 0; i < n; i++) {
                c[i * m.cDim() + options.classIdx()] = 1f;
            }
        }
        float[] w = session.map(z, c, n);
        int wsSize = m.numWs() * m.wDim();
        float[] ws = new float[n * wsSize];
        for (int i = 0; i < n; i++) {
            float[] wi = Arrays.copyOfRange(w, i * m.wDim(), (i + 1) * m.wDim());
            float[] wsi = Latents.broadcastTruncated(wi, m.wAvg(), m.numWs(), options.truncationPsi(),
                    options.truncationCutoff());
            System.arraycopy(wsi, 0, ws, i * wsSize, wsSize);
        }
        float[] img = session.synthesize(ws, n, options.noiseMode(), seeds);
        int imgSize = m.imgChannels() * m.resolution() * m.resolution();
        List<Rendered> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new Rendered(seeds[i],
                    Arrays.copyOfRange(z, i * m.zDim(), (i + 1) * m.zDim()),
                    Arrays.copyOfRange(ws, i * wsSize, (i + 1) * wsSize),
                    Arrays.copyOfRange(img, i * imgSize, (i + 1) * imgSize)));
        }
        return out;
    }
}
