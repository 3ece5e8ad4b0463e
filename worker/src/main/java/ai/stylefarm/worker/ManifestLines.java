package ai.stylefarm.worker;

import ai.stylefarm.domain.storage.Bucket;
import ai.stylefarm.schemas.GenerateTaskSpec;
import ai.stylefarm.schemas.ObjectKeys;
import ai.stylefarm.schemas.TaskEvent;
import ai.stylefarm.schemas.documents.Documents;
import ai.stylefarm.schemas.documents.ImageLine;
import ai.stylefarm.schemas.documents.ManifestLine;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/** A task's manifest part, and the description of a generated image that its line and its shard sample share. */
final class ManifestLines {
    private ManifestLines() {
    }

    /** How an image was made; z and w only when the job asked for latents. */
    static ImageLine sample(GenerateTaskSpec spec, long seed, float[] z, float[] w) {
        return ImageLine.sample(seed, spec.truncationPsi(), spec.truncationCutoff(), spec.classIdx(),
                spec.noiseMode(), spec.latents() ? z : null, spec.latents() ? w : null);
    }

    /** Stores a task's manifest lines as its part, {@code jobs/{job}/parts/part-%06d.jsonl}; returns the output. */
    static TaskEvent.Output storePart(Bucket store, UUID job, int taskIndex, List<? extends ManifestLine> lines) {
        StringBuilder part = new StringBuilder();
        lines.forEach(line -> part.append(Documents.line(line)).append('\n'));
        byte[] bytes = part.toString().getBytes(StandardCharsets.UTF_8);
        return store.putIfAbsent(ObjectKeys.manifestPart(job, taskIndex), bytes, "application/x-ndjson").output(null);
    }
}
