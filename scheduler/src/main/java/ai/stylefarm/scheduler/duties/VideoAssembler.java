package ai.stylefarm.scheduler.duties;

import ai.stylefarm.domain.storage.Bucket;
import ai.stylefarm.domain.store.JobRow;
import ai.stylefarm.modelkit.io.Hashing;
import ai.stylefarm.modelkit.video.Mp4Concat;
import ai.stylefarm.modelkit.video.VideoException;
import ai.stylefarm.schemas.InterpolateJobSpec;
import ai.stylefarm.schemas.JobKind;
import ai.stylefarm.schemas.Messages;
import ai.stylefarm.schemas.ObjectKeys;
import ai.stylefarm.schemas.documents.Documents;
import ai.stylefarm.schemas.documents.SegmentLine;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Finishes an interpolation job: checks that the tasks' segments cover every frame exactly once, in order, joins
 * them into {@code video.mp4} by copying their packets (no re-encoding, index in front), checks the frame count
 * of the result, and writes the manifest (one line per segment, and per frame when frames were kept).
 */
final class VideoAssembler {
    private static final ObjectMapper JSON = Messages.mapper();

    private final Bucket store;

    VideoAssembler(Bucket store) {
        this.store = store;
    }

    ManifestAssembler.Result assemble(JobRow job) throws Exception {
        InterpolateJobSpec spec = InterpolateJobSpec.parse(JSON.readTree(job.spec()));
        StringBuilder manifest = new StringBuilder();
        List<String> segments = new ArrayList<>();
        long nextFrame = 0;
        long lines = 0;
        for (int part = 0; part < job.tasksTotal(); part++) {
            try (InputStream in = store.get(ObjectKeys.manifestPart(job.id(), part));
                 BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    if (Documents.manifestLine(JobKind.INTERPOLATE, line) instanceof SegmentLine segment) {
                        if (segment.firstFrame() != nextFrame) {
                            throw new ManifestAssembler.IncompleteManifestException("segment " + segment.segment()
                                    + " starts at frame " + segment.firstFrame() + ", expected " + nextFrame);
                        }
                        nextFrame += segment.frames();
                        segments.add(segment.key());
                    }
                    manifest.append(line).append('\n');
                    lines++;
                }
            }
        }
        if (nextFrame != spec.frameCount()) {
            throw new ManifestAssembler.IncompleteManifestException("the segments hold " + nextFrame + " frames, the"
                    + " video needs " + spec.frameCount());
        }
        byte[] manifestBytes = manifest.toString().getBytes(StandardCharsets.UTF_8);
        String manifestKey = ObjectKeys.manifest(job.id());
        store.put(manifestKey, manifestBytes, "application/x-ndjson");
        ManifestAssembler.Written manifestWritten = new ManifestAssembler.Written(manifestKey, "manifest",
                manifestBytes.length, Hashing.sha256(manifestBytes), lines);
        return new ManifestAssembler.Result(manifestWritten, join(job, spec, segments));
    }

    private ManifestAssembler.Written join(JobRow job, InterpolateJobSpec spec, List<String> segmentKeys)
            throws Exception {
        Path dir = Files.createTempDirectory("video-" + job.id());
        try {
            List<Path> files = new ArrayList<>();
            for (int i = 0; i < segmentKeys.size(); i++) {
                Path file = dir.resolve(String.format("segment-%06d.mp4", i));
                try (InputStream in = store.get(segmentKeys.get(i))) {
                    Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                }
                files.add(file);
            }
            Path video = dir.resolve("video.mp4");
            long frames;
            try {
                frames = Mp4Concat.concat(files, video);
            } catch (VideoException e) {
                throw new ManifestAssembler.IncompleteManifestException("the segments cannot be joined: " + e.getMessage());
            }
            if (frames != spec.frameCount()) {
                throw new ManifestAssembler.IncompleteManifestException("the joined video has " + frames + " frames,"
                        + " the job asked for " + spec.frameCount());
            }
            String key = ObjectKeys.video(job.id());
            store.upload(key, video, "video/mp4");
            return new ManifestAssembler.Written(key, "video", Files.size(video), Hashing.sha256(video), 0);
        } finally {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
