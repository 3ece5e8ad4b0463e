package ai.stylefarm.scheduler.duties;

import ai.stylefarm.domain.models.ModelRepository;
import ai.stylefarm.domain.storage.Bucket;
import ai.stylefarm.domain.store.Artifacts;
import ai.stylefarm.domain.store.JobRow;
import ai.stylefarm.modelkit.io.Hashing;
import ai.stylefarm.schemas.GenerateJobSpec;
import ai.stylefarm.schemas.JobKind;
import ai.stylefarm.schemas.Messages;
import ai.stylefarm.schemas.ObjectKeys;
import ai.stylefarm.schemas.StyleMixJobSpec;
import ai.stylefarm.schemas.documents.Documents;
import ai.stylefarm.schemas.documents.ImageLine;
import ai.stylefarm.schemas.documents.StyleMixLine;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.sql.Connection;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Builds a finished job's {@code manifest.jsonl} from its tasks' parts, in task order, and its dataset card
 * {@code dataset.json}. Streams part by part through a temporary file, so memory does not grow with the job. The
 * checks are what make the manifest exactly-once: one part per task, seeds strictly increasing across the whole
 * file (so none twice), and one line per seed the job asked for.
 */
final class ManifestAssembler {
    private static final ObjectMapper JSON = Messages.mapper();

    private final DataSource db;
    private final ModelRepository models;
    private final Bucket store;
    private final VideoAssembler videos;
    private final ProjectionReport reports;
    private final Map<JobKind, Finisher> finishers;

    ManifestAssembler(DataSource db, Bucket store) {
        this.db = db;
        this.models = new ModelRepository(db);
        this.store = store;
        this.videos = new VideoAssembler(store);
        this.reports = new ProjectionReport(db, store);
        this.finishers = finishers();
    }

    record Written(String key, String kind, long bytes, String sha256, long lines) {
        Artifacts.NewArtifact artifact() {
            return new Artifacts.NewArtifact(null, key, kind, null, bytes, sha256);
        }
    }

    /**
     * @param extras the dataset card of a generate job, the grid of a style-mixing job, an interpolation's video,
     *               a projection's reports
     */
    record Result(Written manifest, List<Written> extras) {
        Result(Written manifest, Written extra) {
            this(manifest, List.of(extra));
        }
    }

    /** Writes what a finished job of one kind makes as a whole. */
    @FunctionalInterface
    interface Finisher {
        Result finish(JobRow job) throws Exception;
    }

    /** The one place that maps each job kind to its finisher; every kind must have one. */
    private Map<JobKind, Finisher> finishers() {
        Map<JobKind, Finisher> byKind = new EnumMap<>(JobKind.class);
        byKind.put(JobKind.GENERATE, this::assembleGenerate);
        byKind.put(JobKind.STYLE_MIX, this::assembleStyleMix);
        byKind.put(JobKind.INTERPOLATE, videos::assemble);
        byKind.put(JobKind.PROJECT, reports::assemble);
        byKind.put(JobKind.CALIBRATE, reports::assemble);
        if (byKind.size() != JobKind.values().length) {
            throw new IllegalStateException("a job kind has no finisher: " + byKind.keySet());
        }
        return byKind;
    }

    Result assemble(JobRow job) throws Exception {
        return finishers.get(JobKind.of(job.kind())).finish(job);
    }

    private Result assembleGenerate(JobRow job) throws Exception {
        GenerateJobSpec spec = GenerateJobSpec.parse(JSON.readTree(job.spec()));
        Path file = Files.createTempFile("manifest-", ".jsonl");
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            Parts parts = new Parts(job);
            try (Connection c = db.getConnection();
                 OutputStream out = new DigestOutputStream(Files.newOutputStream(file), sha);
                 BufferedWriter writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8))) {
                c.setAutoCommit(false);
                Artifacts.stream(c, job.id(), List.of("manifest_part", "shard"), a -> parts.add(a, writer));
                c.rollback();
            }
            if (parts.count != job.tasksTotal()) {
                throw new IncompleteManifestException("only " + parts.count + " of " + job.tasksTotal()
                        + " tasks left a manifest part");
            }
            if (parts.lines != spec.seeds().count()) {
                throw new IncompleteManifestException("the manifest would list " + parts.lines + " images, but the job"
                        + " asked for " + spec.seeds().count() + " seeds");
            }
            Written manifest = new Written(ObjectKeys.manifest(job.id()), "manifest", Files.size(file),
                    HexFormat.of().formatHex(sha.digest()), parts.lines);
            store.upload(manifest.key(), file, "application/x-ndjson");
            return new Result(manifest, writeCard(job, spec, manifest, parts.imageBytes, parts.shards,
                    parts.shardBytes));
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** The parts of a generate job's manifest as they stream by, in task order, and its shards. */
    private final class Parts {
        private final JobRow job;
        private final ArrayNode shards = JSON.createArrayNode();
        private long lines;
        private long imageBytes;
        private long shardBytes;
        private long lastSeed = -1;
        private int count;

        Parts(JobRow job) {
            this.job = job;
        }

        void add(Artifacts.Recorded a, BufferedWriter writer) throws IOException {
            if (a.kind().equals("shard")) {
                shards.addObject().put("key", a.key()).put("sha256", a.sha256()).put("bytes", a.bytes());
                shardBytes += a.bytes();
                return;
            }
            String expected = ObjectKeys.manifestPart(job.id(), count++);
            if (!a.key().equals(expected)) {
                throw new IncompleteManifestException("manifest part " + expected + " is missing");
            }
            try (InputStream in = store.get(a.key());
                 BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    ImageLine entry = Documents.read(line, ImageLine.class);
                    if (entry.key() == null) {
                        throw new IncompleteManifestException("a line of " + a.key() + " names no stored image");
                    }
                    long seed = entry.seed();
                    if (seed <= lastSeed) {
                        throw new IncompleteManifestException("seed " + seed + " is out of order or listed twice in "
                                + a.key());
                    }
                    lastSeed = seed;
                    imageBytes += entry.bytes();
                    writer.write(line);
                    writer.write('\n');
                    lines++;
                }
            }
        }
    }

    /** {@code dataset.json}: what the dataset is, how big, and the checksums that let anyone verify it. */
    private Written writeCard(JobRow job, GenerateJobSpec spec, Written manifest, long imageBytes, ArrayNode shards,
                              long shardBytes) throws Exception {
        ObjectNode card = JSON.createObjectNode();
        card.put("job_id", job.id().toString());
        card.put("tenant", job.tenant());
        ObjectNode model = card.putObject("model");
        models.identity(job.modelId()).ifPresent(m -> model.put("id", m.slug()).put("bundle_sha256", m.bundleSha256())
                .put("name", m.name()));
        card.set("spec", JSON.valueToTree(spec));
        card.putObject("counts").put("images", manifest.lines()).put("shards", shards.size());
        card.putObject("bytes").put("images", imageBytes).put("shards", shardBytes);
        card.putObject("manifest").put("key", manifest.key()).put("sha256", manifest.sha256())
                .put("bytes", manifest.bytes()).put("lines", manifest.lines());
        card.set("shards", shards);
        byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(card);
        String key = ObjectKeys.datasetCard(job.id());
        store.put(key, bytes, "application/json");
        return new Written(key, "dataset_card", bytes.length, Hashing.sha256(bytes), 0);
    }

    /**
     * A style-mixing job: the parts in task order (one line per cell and per seed's own image), then
     * {@code grid.png} as style_mixing.py lays it out: column seeds across the top, row seeds down the left, each
     * cell the row seed with the column seed's styles, and the top-left corner black.
     */
    private Result assembleStyleMix(JobRow job) throws Exception {
        StyleMixJobSpec spec = StyleMixJobSpec.parse(JSON.readTree(job.spec()));
        StringBuilder manifest = new StringBuilder();
        long lines = 0;
        java.util.Set<String> keys = new java.util.HashSet<>();
        for (int part = 0; part < job.tasksTotal(); part++) {
            try (InputStream in = store.get(ObjectKeys.manifestPart(job.id(), part));
                 BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    if (!keys.add(Documents.read(line, StyleMixLine.class).key())) {
                        throw new IncompleteManifestException("image listed twice: " + line);
                    }
                    manifest.append(line).append('\n');
                    lines++;
                }
            }
        }
        if (lines != spec.imageCount()) {
            throw new IncompleteManifestException("the manifest would list " + lines + " images, but the grid has "
                    + spec.imageCount());
        }
        byte[] manifestBytes = manifest.toString().getBytes(StandardCharsets.UTF_8);
        String manifestKey = ObjectKeys.manifest(job.id());
        store.put(manifestKey, manifestBytes, "application/x-ndjson");
        byte[] grid = grid(job, spec);
        store.put(ObjectKeys.grid(job.id()), grid, "image/png");
        return new Result(new Written(manifestKey, "manifest", manifestBytes.length, Hashing.sha256(manifestBytes), lines),
                new Written(ObjectKeys.grid(job.id()), "grid", grid.length, Hashing.sha256(grid), 0));
    }

    private byte[] grid(JobRow job, StyleMixJobSpec spec) throws Exception {
        String prefix = ObjectKeys.styleMix(job.id());
        java.awt.image.BufferedImage first = read(prefix + spec.rowSeeds().get(0) + "-" + spec.colSeeds().get(0) + ".png");
        int w = first.getWidth();
        int h = first.getHeight();
        java.awt.image.BufferedImage canvas = new java.awt.image.BufferedImage(w * (spec.colSeeds().size() + 1),
                h * (spec.rowSeeds().size() + 1), first.getType() == java.awt.image.BufferedImage.TYPE_BYTE_GRAY
                ? java.awt.image.BufferedImage.TYPE_BYTE_GRAY : java.awt.image.BufferedImage.TYPE_3BYTE_BGR);
        java.awt.Graphics2D g = canvas.createGraphics();
        try {
            for (int c = 0; c < spec.colSeeds().size(); c++) {
                long col = spec.colSeeds().get(c);
                g.drawImage(read(prefix + col + "-" + col + ".png"), w * (c + 1), 0, null);
            }
            for (int r = 0; r < spec.rowSeeds().size(); r++) {
                long row = spec.rowSeeds().get(r);
                g.drawImage(read(prefix + row + "-" + row + ".png"), 0, h * (r + 1), null);
                for (int c = 0; c < spec.colSeeds().size(); c++) {
                    g.drawImage(read(prefix + row + "-" + spec.colSeeds().get(c) + ".png"), w * (c + 1), h * (r + 1), null);
                }
            }
        } finally {
            g.dispose();
        }
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(canvas, "png", png);
        return png.toByteArray();
    }

    private java.awt.image.BufferedImage read(String key) throws IOException {
        try (InputStream in = store.get(key)) {
            java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(in);
            if (image == null) {
                throw new IncompleteManifestException(key + " is not a readable PNG");
            }
            return image;
        }
    }


    /** The tasks' outputs do not add up to the job: the job fails with this, never with a wrong manifest. */
    static final class IncompleteManifestException extends RuntimeException {
        IncompleteManifestException(String message) {
            super(message);
        }
    }
}
