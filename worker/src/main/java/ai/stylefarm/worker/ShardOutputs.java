package ai.stylefarm.worker;

import ai.stylefarm.domain.storage.Bucket;
import ai.stylefarm.modelkit.bundle.ModelManifest;
import ai.stylefarm.modelkit.inference.Renderer;
import ai.stylefarm.modelkit.io.Hashing;
import ai.stylefarm.modelkit.io.TarReader;
import ai.stylefarm.schemas.GenerateTaskSpec;
import ai.stylefarm.schemas.ObjectKeys;
import ai.stylefarm.schemas.TaskEvent;
import ai.stylefarm.schemas.documents.Documents;
import ai.stylefarm.schemas.documents.ImageLine;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Layout {@code webdataset}: the task's samples go into one tar shard, {@code <key>.png|jpg}, {@code <key>.json}
 * and, with latents, {@code <key>.npy} (the ws [num_ws, w_dim] that made the image). The shard is built in a
 * temporary file and stored with one PUT once complete, so storage never holds a torn shard; a re-run task
 * writes the same bytes to the same key.
 */
final class ShardOutputs implements TaskOutputs {
    private final Bucket store;
    private final GenerateTaskSpec spec;
    private final UUID job;
    private final Path dir;
    private final Path shard;
    private final Path part;
    private final ShardWriter writer;

    ShardOutputs(Bucket store, GenerateTaskSpec spec, ModelManifest model, UUID job, Path tmpRoot) {
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
            Bucket.Stored shardStored = store.uploadIfAbsent(spec.shardKey(), shard, "application/x-tar");
            Path lines = shardStored.adopted() ? describeStoredShard() : part;
            Bucket.Stored partStored = store.uploadIfAbsent(ObjectKeys.manifestPart(job, spec.taskIndex()), lines,
                    "application/x-ndjson");
            return List.of(shardStored.output(null), partStored.output(null));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot finish shard " + shard, e);
        } finally {
            abort();
        }
    }

    /**
     * Another attempt stored this shard first: the manifest part must describe its samples (their checksums and
     * their JSON), not this attempt's, which storage does not hold.
     */
    private Path describeStoredShard() throws IOException {
        Path stored = dir.resolve("stored.tar");
        Path lines = dir.resolve("stored-part.jsonl");
        store.download(spec.shardKey(), stored);
        Map<String, ImageLine> samples = new HashMap<>();
        Map<String, String[]> images = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(stored)) {
            TarReader.read(in, (name, content) -> {
                String base = name.substring(0, name.lastIndexOf('.'));
                if (name.endsWith(".json")) {
                    samples.put(base, Documents.read(content, ImageLine.class));
                } else if (name.endsWith("." + spec.format().extension())) {
                    images.put(base, new String[] {name, Hashing.sha256(content), Long.toString(content.length)});
                }
                return true;
            });
        }
        try (var out = Files.newBufferedWriter(lines, StandardCharsets.UTF_8)) {
            for (Map.Entry<String, String[]> image : images.entrySet()) {
                ImageLine sample = samples.get(image.getKey());
                if (sample == null) {
                    throw new IOException("stored shard " + spec.shardKey() + " has no JSON for " + image.getKey());
                }
                String[] member = image.getValue();
                out.write(Documents.line(sample.storedAt(spec.shardKey(), member[0], member[1],
                        Long.parseLong(member[2]))));
                out.write('\n');
            }
        }
        return lines;
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
