package ai.stylefarm.cli;

import ai.stylefarm.cli.client.GatewayClient;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./farm generate}: submits a generate job, optionally waits for it and downloads the images. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Submit a generate job (as NVIDIA's generate.py: one image per seed).")
final class GenerateCommand implements Callable<Integer> {
    @Mixin
    FarmConnection farm;

    @Option(names = "--model", required = true, description = "model id (./farm models list)")
    String model;

    @Option(names = "--seeds", required = true, description = "e.g. 0-999 or 1,5,9-12")
    String seeds;

    @Mixin
    Rendering rendering;

    @Option(names = "--trunc-cutoff", description = "truncate only the first K ws")
    Integer cutoff;

    @Option(names = "--layout", description = "files (one object per image, the default) or webdataset (tar shards)")
    String layout;

    @Option(names = "--shard-size", description = "samples per webdataset shard (default 1000)")
    Integer shardSize;

    @Option(names = "--format", description = "png (default) or jpeg")
    String format;

    @Option(names = "--jpeg-quality", description = "1 to 100 (default 90)")
    Integer jpegQuality;

    @Option(names = "--latents", description = "store z and w with every image (sample and manifest)")
    boolean latents;

    @Mixin
    Submission submission;

    @Override
    public Integer call() throws Exception {
        GatewayClient client = farm.client();
        ObjectNode spec = JsonNodeFactory.instance.objectNode().put("seeds", seeds);
        rendering.into(spec);
        if (cutoff != null) {
            spec.put("truncation_cutoff", cutoff);
        }
        if (layout != null) {
            spec.put("layout", layout);
        }
        if (shardSize != null) {
            spec.put("shard_size", shardSize);
        }
        if (format != null) {
            spec.put("format", format);
        }
        if (jpegQuality != null) {
            spec.put("jpeg_quality", jpegQuality);
        }
        if (latents) {
            spec.put("include_latents", true);
        }
        return submission.submit(client, "generate", model, spec);
    }
}
