package ai.stylefarm.cli;

import ai.stylefarm.cli.client.GatewayClient;
import ai.stylefarm.schemas.JobKind;
import ai.stylefarm.schemas.JobState;
import ai.stylefarm.schemas.ObjectKeys;
import ai.stylefarm.schemas.documents.Documents;
import ai.stylefarm.schemas.documents.ManifestLine;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Checks that a job's stored outputs are what its records say: every object under the job's prefix has an artifact
 * row and every row an object; each object, re-read, has the recorded size and sha256; and the manifest's lines,
 * and the dataset card's checksums, agree with the rows (a shard's members with the shard's content).
 */
final class Verifier {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PARALLEL = 4;

    /** What differs, one line each; empty when the job is intact. */
    record Report(String state, boolean partial, int objects, int records, long manifestLines, List<String> problems) {
        boolean intact() {
            return problems.isEmpty();
        }
    }

    private Verifier() {
    }

    static Report verify(GatewayClient client, UUID job) {
        JsonNode view = client.job(job);
        String state = view.path("state").asText();
        Map<String, JsonNode> records = new TreeMap<>();
        client.allArtifacts(job).forEach(a -> records.put(a.path("key").asText(), a));
        Map<String, Long> stored = new TreeMap<>();
        client.objects(job).forEach(o -> stored.put(o.path("key").asText(), o.path("bytes").asLong()));
        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        String cancelMarker = ObjectKeys.cancelMarker(job);
        for (Map.Entry<String, Long> object : stored.entrySet()) {
            if (!records.containsKey(object.getKey()) && !object.getKey().equals(cancelMarker)) {
                problems.add("EXTRA     " + object.getKey() + ": stored (" + object.getValue()
                        + " bytes) but no record names it");
            }
        }
        Map<String, StoredDigest> digests = reread(client, records, stored, problems);
        long lines = checkManifest(client, JobKind.of(view.path("kind").asText()), records, digests, problems);
        checkDatasetCard(client, records, digests, problems);
        return new Report(state, !JobState.SUCCEEDED.name().equals(state), stored.size(), records.size(), lines, List.copyOf(problems));
    }

    /** Reads every recorded object that is stored, and compares it with its record. */
    private static Map<String, StoredDigest> reread(GatewayClient client, Map<String, JsonNode> records,
                                                    Map<String, Long> stored, List<String> problems) {
        Map<String, StoredDigest> digests = Collections.synchronizedMap(new HashMap<>());
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
        try {
            List<Future<?>> reads = new ArrayList<>();
            for (JsonNode record : records.values()) {
                String key = record.path("key").asText();
                if (!stored.containsKey(key)) {
                    problems.add("MISSING   " + key + ": recorded (" + record.path("bytes").asLong() + " bytes, sha256 "
                            + record.path("sha256").asText() + ") but not stored");
                    continue;
                }
                reads.add(pool.submit(() -> {
                    StoredDigest digest;
                    try (InputStream in = client.open(record.path("url").asText(), key)) {
                        digest = StoredDigest.read(in, key.endsWith(".tar"));
                    } catch (IOException e) {
                        throw new UncheckedIOException("reading " + key + ": " + e.getMessage(), e);
                    }
                    digests.put(key, digest);
                    if (digest.bytes() != record.path("bytes").asLong()
                            || !digest.sha256().equals(record.path("sha256").asText())) {
                        problems.add("CHANGED   " + key + ": stored " + digest.bytes() + " bytes, sha256 "
                                + digest.sha256() + "; recorded " + record.path("bytes").asLong() + " bytes, sha256 "
                                + record.path("sha256").asText());
                    }
                }));
            }
            for (Future<?> read : reads) {
                try {
                    read.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return digests;
    }

    /**
     * Every manifest line that names an object with a checksum must match: a file's record, or a shard member as the
     * shard holds it. Each key or member is listed once.
     */
    private static long checkManifest(GatewayClient client, JobKind kind, Map<String, JsonNode> records,
                                      Map<String, StoredDigest> digests, List<String> problems) {
        JsonNode manifest = records.values().stream().filter(r -> "manifest".equals(r.path("kind").asText()))
                .findFirst().orElse(null);
        if (manifest == null) {
            return 0;
        }
        String manifestKey = manifest.path("key").asText();
        if (!digests.containsKey(manifestKey)) {
            return 0;
        }
        long lines = 0;
        java.util.Set<String> listed = new java.util.HashSet<>();
        try (InputStream in = client.open(manifest.path("url").asText(), manifestKey);
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String text; (text = reader.readLine()) != null; ) {
                lines++;
                ManifestLine line;
                try {
                    line = Documents.manifestLine(kind, text);
                } catch (Documents.InvalidDocumentException e) {
                    problems.add("MANIFEST  line " + lines + ": " + e.getMessage());
                    continue;
                }
                String key = line.key();
                String sha = line.sha256();
                if (key == null || sha == null) {
                    continue;
                }
                String member = line.member();
                String where = member == null ? key : key + " : " + member;
                if (!listed.add(where)) {
                    problems.add("MANIFEST  " + where + ": listed twice");
                }
                long bytes = line.bytes();
                if (member != null) {
                    StoredDigest shard = digests.get(key);
                    StoredDigest.Member m = shard == null ? null : shard.members().get(member);
                    if (shard != null && (m == null || !m.sha256().equals(sha) || m.bytes() != bytes)) {
                        problems.add("MANIFEST  " + where + ": the manifest says sha256 " + sha + ", the shard holds "
                                + (m == null ? "no such member" : m.bytes() + " bytes, sha256 " + m.sha256()));
                    }
                } else {
                    JsonNode record = records.get(key);
                    if (record == null) {
                        problems.add("MANIFEST  " + key + ": listed, but no record names it");
                    } else if (!record.path("sha256").asText().equals(sha)
                            || record.path("bytes").asLong() != bytes) {
                        problems.add("MANIFEST  " + key + ": the manifest says sha256 " + sha + ", the record "
                                + record.path("sha256").asText());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + manifestKey + ": " + e.getMessage(), e);
        }
        return lines;
    }

    /** {@code dataset.json} lists the manifest's and every shard's checksum. */
    private static void checkDatasetCard(GatewayClient client, Map<String, JsonNode> records,
                                         Map<String, StoredDigest> digests, List<String> problems) {
        JsonNode card = records.values().stream().filter(r -> "dataset_card".equals(r.path("kind").asText()))
                .findFirst().orElse(null);
        if (card == null || !digests.containsKey(card.path("key").asText())) {
            return;
        }
        // The card is small; read it again rather than keep every object's bytes.
        JsonNode content;
        try (InputStream in = client.open(card.path("url").asText(), card.path("key").asText())) {
            content = JSON.readTree(in);
        } catch (IOException e) {
            problems.add("CARD      " + card.path("key").asText() + ": not readable JSON");
            return;
        }
        List<JsonNode> listed = new ArrayList<>();
        listed.add(content.path("manifest"));
        content.path("shards").forEach(listed::add);
        for (JsonNode entry : listed) {
            JsonNode record = records.get(entry.path("key").asText());
            if (record == null || !record.path("sha256").asText().equals(entry.path("sha256").asText())) {
                problems.add("CARD      " + entry.path("key").asText() + ": dataset.json says sha256 "
                        + entry.path("sha256").asText() + ", the record " + (record == null ? "is missing"
                        : record.path("sha256").asText()));
            }
        }
    }
}
