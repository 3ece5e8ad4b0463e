package ai.stylefarm.worker;

import ai.stylefarm.modelkit.bundle.ModelManifest;
import ai.stylefarm.modelkit.inference.Renderer;
import ai.stylefarm.modelkit.io.Hashing;
import ai.stylefarm.schemas.GenerateTaskSpec;
import ai.stylefarm.schemas.ObjectKeys;
import ai.stylefarm.schemas.TaskEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
    private final UUID job;
    private final Path dir;
    private final Path shard;
    private final Path part;
    private final ShardWriter writer;

    ShardOutputs(ObjectStore store, GenerateTaskSpec spec, ModelManifest model, UUID job, Path tmpRoot) {
        this.store = store;
        this.spec = spec;
        this.job = job;
        try {
            Files.createDirectories(tmpRoot);
            this.dir = Files.createTempDirectory(tmpRoot, "shard-");
            this.shard = dir.resolve("shard.tar");
            this.part = dir.resolve("part.jsonl");
            this.writer = new ShardWriter(spec, model, shard, part);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a shard under " + tmpRoot, e);
        }
    }

    @Override
    public void add(Renderer.Rendered image, byte[] hwc) {
        try {
            writer.add(image, hwc);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write shard " + shard, e);
        }
    }

    @Override
    public int done() {
        return writer.samples();
    }

    @Override
    public List<TaskEvent.Output> finish() {
        try {
            writer.close();
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
            writer.close();
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
