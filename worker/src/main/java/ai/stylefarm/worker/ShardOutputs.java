package ai.stylefarm.worker;

import ai.stylefarm.modelkit.bundle.ModelManifest;
import ai.stylefarm.modelkit.inference.Renderer;
import ai.stylefarm.modelkit.io.Hashing;
import ai.stylefarm.modelkit.io.Npy;
import ai.stylefarm.schemas.GenerateTaskSpec;
import ai.stylefarm.schemas.ObjectKeys;
import ai.stylefarm.schemas.TaskEvent;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Layout {@code webdataset}: the task's samples go into one tar shard, {@code <key>.png|jpg}, {@code <key>.json}
 * and, with latents, {@code <key>.npy} (the ws [num_ws, w_dim] that made the image). The shard is built in a
 * temporary file and stored with one PUT once complete, so storage never holds a torn shard; a re-run task
 * writes the same bytes to the same key.
 */
final class ShardOutputs implements TaskOutputs {
    private final ObjectStore store;
    private final GenerateTaskSpec spec;
    private final ModelManifest model;
    private final UUID job;
    private final Path dir;
    private final Path shard;
    private final Path part;
    private final TarWriter tar;
    private final BufferedWriter lines;
    private int done;

    ShardOutputs(ObjectStore store, GenerateTaskSpec spec, ModelManifest model, UUID job, Path tmpRoot) {
        this.store = store;
        this.spec = spec;
        this.model = model;
        this.job = job;
        try {
            Files.createDirectories(tmpRoot);
            this.dir = Files.createTempDirectory(tmpRoot, "shard-");
            this.shard = dir.resolve("shard.tar");
            this.part = dir.resolve("part.jsonl");
            this.tar = new TarWriter(shard);
            this.lines = Files.newBufferedWriter(part, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a shard under " + tmpRoot, e);
        }
    }

    @Override
    public void add(Renderer.Rendered image, byte[] hwc) {
        String key = GenerateTaskSpec.sampleKey(image.seed());
        String member = key + "." + spec.format().extension();
        byte[] encoded = ImageEncoding.encode(hwc, model.resolution(), model.imgChannels(), spec.format(),
                spec.jpegQuality());
        ObjectNode sample = ManifestLines.sample(spec, image.seed(), image.z(), Arrays.copyOf(image.ws(), model.wDim()));
        try {
            tar.add(member, encoded);
            tar.add(key + ".json", ManifestLines.bytes(sample));
            if (spec.latents()) {
                tar.add(key + ".npy", npy(image.ws()));
            }
            lines.write(ManifestLines.manifest(sample, spec.shardKey(), member, Hashing.sha256(encoded), encoded.length));
            lines.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write shard " + shard, e);
        }
        done++;
    }

    private byte[] npy(float[] ws) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Npy.writeFloat32Header(out, new int[] {model.numWs(), model.wDim()});
        out.write(Npy.littleEndian(ws));
        return out.toByteArray();
    }

    @Override
    public int done() {
        return done;
    }

    @Override
    public List<TaskEvent.Output> finish() {
        try {
            tar.close();
            lines.close();
            String partKey = ObjectKeys.manifestPart(job, spec.taskIndex());
            TaskEvent.Output shardOut = new TaskEvent.Output(null, spec.shardKey(), Hashing.sha256(shard), Files.size(shard));
            TaskEvent.Output partOut = new TaskEvent.Output(null, partKey, Hashing.sha256(part), Files.size(part));
            store.upload(spec.shardKey(), shard, "application/x-tar");
            store.upload(partKey, part, "application/x-ndjson");
            return List.of(shardOut, partOut);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot finish shard " + shard, e);
        } finally {
            abort();
        }
    }

    @Override
    public void abort() {
        try {
            tar.close();
            lines.close();
        } catch (IOException ignored) {
            // Being deleted anyway.
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // A temporary directory; the next start of the worker can clear it.
        }
    }
}
