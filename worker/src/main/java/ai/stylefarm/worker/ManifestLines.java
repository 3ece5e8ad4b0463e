package ai.stylefarm.worker;

import ai.stylefarm.domain.storage.Bucket;
import ai.stylefarm.schemas.GenerateTaskSpec;
import ai.stylefarm.schemas.Messages;
import ai.stylefarm.schemas.ObjectKeys;
import ai.stylefarm.schemas.TaskEvent;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The JSON that describes one image: how it was made (seed, ψ, cutoff, class, noise mode, and z and w when asked)
 * and, in the manifest, where it is (key, shard member) and its checksum.
 */
final class ManifestLines {
    private ManifestLines() {
    }

    /** The sample's own description, as in a webdataset {@code <key>.json}. */
    static ObjectNode sample(GenerateTaskSpec spec, long seed, float[] z, float[] w) {
        ObjectNode line = Messages.mapper().createObjectNode();
        line.put("seed", seed);
        line.put("truncation_psi", spec.truncationPsi());
        if (spec.truncationCutoff() != null) {
            line.put("truncation_cutoff", spec.truncationCutoff());
        }
        if (spec.classIdx() != null) {
            line.put("class_idx", spec.classIdx());
        }
        line.put("noise_mode", spec.noiseMode().value());
        if (spec.latents()) {
            floats(line.putArray("z"), z, z.length);
            floats(line.putArray("w"), w, w.length);
        }
        return line;
    }

    /** A manifest line: the sample plus where it is stored. {@code member} is null outside a shard. */
    static String manifest(ObjectNode sample, String key, String member, String sha256, long bytes) {
        ObjectNode line = Messages.mapper().createObjectNode();
        line.put("seed", sample.get("seed").longValue());
        line.put("key", key);
        if (member != null) {
            line.put("member", member);
        }
        line.put("sha256", sha256);
        line.put("bytes", bytes);
        sample.fields().forEachRemaining(f -> {
            if (!f.getKey().equals("seed")) {
                line.set(f.getKey(), f.getValue());
            }
        });
        try {
            return Messages.mapper().writeValueAsString(line);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Stores a task's manifest lines as its part, {@code jobs/{job}/parts/part-%06d.jsonl}; returns the output. */
    static TaskEvent.Output storePart(Bucket store, UUID job, int taskIndex, CharSequence lines) {
        byte[] bytes = lines.toString().getBytes(StandardCharsets.UTF_8);
        return store.putIfAbsent(ObjectKeys.manifestPart(job, taskIndex), bytes, "application/x-ndjson").output(null);
    }

    static byte[] bytes(ObjectNode node) {
        try {
            return Messages.mapper().writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void floats(ArrayNode array, float[] values, int n) {
        for (int i = 0; i < n; i++) {
            array.add(values[i]);
        }
    }
}
