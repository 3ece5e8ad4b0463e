package ai.stylefarm.gateway.dashboard;

import ai.stylefarm.domain.storage.Bucket;
import ai.stylefarm.modelkit.io.TarReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The first images of a webdataset shard, for the job page of a job that stores no single pictures. Reads at most
 * {@link #MAX_READ_BYTES} of the shard, so a page costs a bounded read however large the shard is.
 */
public final class ShardSamples {
    static final int MAX_SAMPLES = 6;
    static final int MAX_READ_BYTES = 4 << 20;
    private static final Pattern SEED = Pattern.compile("seed0*([0-9]+)\\.[a-z]+");

    /** @param url a {@code data:} URL of the image itself */
    public record Sample(String name, Long seed, String url) {
    }

    private ShardSamples() {
    }

    public static List<Sample> first(Bucket storage, String shardKey) {
        byte[] head;
        try (InputStream in = storage.get(shardKey)) {
            head = in.readNBytes(MAX_READ_BYTES);
        } catch (IOException e) {
            throw new Bucket.StorageException("cannot read " + shardKey + ": " + e.getMessage(), e);
        }
        List<Sample> samples = new ArrayList<>();
        try {
            TarReader.read(new ByteArrayInputStream(head), (name, content) -> {
                String lower = name.toLowerCase(Locale.ROOT);
                String type = lower.endsWith(".png") ? "image/png"
                        : lower.endsWith(".jpg") || lower.endsWith(".jpeg") ? "image/jpeg" : null;
                if (type != null) {
                    Matcher seed = SEED.matcher(name.substring(name.lastIndexOf('/') + 1));
                    samples.add(new Sample(name, seed.matches() && seed.group(1).length() <= 10
                            ? Long.valueOf(seed.group(1)) : null,
                            "data:" + type + ";base64," + Base64.getEncoder().encodeToString(content)));
                }
                return samples.size() < MAX_SAMPLES;
            });
        } catch (IOException cutShort) {
            // The read stopped inside a member: what came before it is the preview.
        }
        return samples;
    }
}
