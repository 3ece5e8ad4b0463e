package ai.stylefarm.worker;

import ai.stylefarm.modelkit.bundle.ModelManifest;
import ai.stylefarm.modelkit.inference.Renderer;
import ai.stylefarm.modelkit.io.Hashing;
import ai.stylefarm.modelkit.io.Npy;
import ai.stylefarm.schemas.GenerateTaskSpec;
import ai.stylefarm.schemas.documents.Documents;
import ai.stylefarm.schemas.documents.ImageLine;
import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Writes one webdataset shard and its manifest lines to local files: per sample {@code <key>.png|jpg},
 * {@code <key>.json} and, with latents, {@code <key>.npy} (the ws [num_ws, w_dim] that made the image). Public for
 * the farm benchmark, whose bare loop is exactly this.
 */
public final class ShardWriter implements AutoCloseable {
    private final GenerateTaskSpec spec;
    private final ModelManifest model;
    private final TarWriter tar;
    private final BufferedWriter lines;
    private int samples;
    private boolean closed;

    public ShardWriter(GenerateTaskSpec spec, ModelManifest model, Path shard, Path manifestPart) throws IOException {
        this.spec = spec;
        this.model = model;
        this.tar = new TarWriter(shard);
        this.lines = Files.newBufferedWriter(manifestPart, StandardCharsets.UTF_8);
    }

    /** Encodes and appends one sample; {@code hwc} is the image as uint8 [H, W, C]. */
    public void add(Renderer.Rendered image, byte[] hwc) throws IOException {
        String key = GenerateTaskSpec.sampleKey(image.seed());
        String member = key + "." + spec.format().extension();
        byte[] encoded = ImageEncoding.encode(hwc, model.resolution(), model.imgChannels(), spec.format(),
                spec.jpegQuality());
        ImageLine sample = ManifestLines.sample(spec, image.seed(), image.z(), Arrays.copyOf(image.ws(), model.wDim()));
        tar.add(member, encoded);
        tar.add(key + ".json", Documents.bytes(sample));
        if (spec.latents()) {
            ByteArrayOutputStream npy = new ByteArrayOutputStream();
            Npy.writeFloat32Header(npy, new int[] {model.numWs(), model.wDim()});
            npy.write(Npy.littleEndian(image.ws()));
            tar.add(key + ".npy", npy.toByteArray());
        }
        lines.write(Documents.line(sample.storedAt(spec.shardKey(), member, Hashing.sha256(encoded), encoded.length)));
        lines.write('\n');
        samples++;
    }

    public int samples() {
        return samples;
    }

    /** Ends the archive; closing again does nothing. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try (lines) {
            tar.close();
        }
    }
}
