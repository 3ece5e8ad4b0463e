package ai.stylefarm.cli;

import ai.stylefarm.cli.client.GatewayClient;
import ai.stylefarm.schemas.JobState;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.UUID;
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

    @Option(names = "--trunc", description = "truncation psi (default 1)")
    Double psi;

    @Option(names = "--trunc-cutoff", description = "truncate only the first K ws")
    Integer cutoff;

    @Option(names = "--class", description = "class index, for conditional models")
    Integer classIdx;

    @Option(names = "--noise-mode", description = "const, random or none (default const)")
    String noiseMode;

    @Option(names = "--priority", description = "interactive, normal, bulk, or 0 to 9 (higher first; default normal)")
    String priority;

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

    @Option(names = "--wait", description = "wait for the job to end, with a progress bar")
    boolean await;

    @Option(names = "--download", description = "download the outputs into this directory (implies --wait)")
    Path download;

    @Override
    public Integer call() throws Exception {
        GatewayClient client = farm.client();
        ObjectNode spec = JsonNodeFactory.instance.objectNode().put("seeds", seeds);
        if (psi != null) {
            spec.put("truncation_psi", psi);
        }
        if (cutoff != null) {
            spec.put("truncation_cutoff", cutoff);
        }
        if (classIdx != null) {
            spec.put("class_idx", classIdx);
        }
        if (noiseMode != null) {
            spec.put("noise_mode", noiseMode);
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
        ObjectNode request = request("generate", model, priority, spec);
        JsonNode job = client.submit(request);
        UUID id = UUID.fromString(job.path("id").asText());
        System.out.println("job " + id + " accepted (" + job.path("items").path("total").asLong() + " images)");
        if (!await && download == null) {
            return 0;
        }
        return finish(client, id, download);
    }

    /** A {@code POST /v1/jobs} body; {@code priority} is a name or a number, null for the default. */
    static ObjectNode request(String kind, String model, String priority, ObjectNode spec) {
        ObjectNode request = JsonNodeFactory.instance.objectNode().put("kind", kind).put("model", model);
        if (priority != null) {
            if (priority.matches("[0-9]+")) {
                request.put("priority", Integer.parseInt(priority));
            } else {
                request.put("priority", priority);
            }
        }
        request.set("spec", spec);
        return request;
    }

    /** Waits, reports, and downloads if asked; the exit code says whether the job succeeded. */
    static int finish(GatewayClient client, UUID id, Path download) throws InterruptedException {
        JsonNode done = JobFollower.await(client, id, true);
        System.out.println(JobFollower.describe(done));
        if (done.path("kind").asText().equals("project")) {
            ProjectionTable.print(client, id, System.out);
        }
        if (!JobState.SUCCEEDED.name().equals(done.path("state").asText())) {
            return 1;
        }
        if (download != null) {
            Downloader.Result result = Downloader.download(client, id, download, true);
            System.out.println((result.fetched() + result.kept()) + " files in " + download.toAbsolutePath());
            if (!result.complete()) {
                result.mismatched().forEach(f -> System.err.println("checksum mismatch: " + f + " (./farm download "
                        + id + " " + download + " retries)"));
                result.missing().forEach(f -> System.err.println("missing: " + f + " is recorded but not in storage"));
                return 1;
            }
        }
        return 0;
    }
}
