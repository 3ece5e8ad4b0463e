package ai.stylefarm.cli;

import ai.stylefarm.cli.client.GatewayClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./farm interpolate}: submits a latent-walk video job, as stylegan3's gen_video.py. */
@Command(name = "interpolate", mixinStandardHelpOptions = true,
        description = "Submit an interpolation video job: a latent walk through seeds, rendered in parallel and"
                + " encoded as H.264 (video.mp4).")
final class InterpolateCommand implements Callable<Integer> {
    @Mixin
    FarmConnection farm;

    @Option(names = "--model", required = true, description = "model id (./farm models list)")
    String model;

    @Option(names = "--seeds", required = true, description = "keyframe seeds in walk order, e.g. 1,2,3,4")
    String seeds;

    @Option(names = "--frames", description = "frames per keyframe (default 120)")
    Integer frames;

    @Option(names = "--fps", description = "frames per second, 1 to 240 (default 60)")
    Integer fps;

    @Option(names = "--loop", description = "return to the first keyframe, seamlessly")
    boolean loop;

    @Option(names = "--kind", description = "cubic (gen_video.py's spline, the default) or linear")
    String kind;

    @Option(names = "--space", description = "w (default) or z (slerp the seeds' z, then map)")
    String space;

    @Option(names = "--grid", description = "WxH walks side by side, e.g. 2x2; the seeds are dealt out in order")
    String grid;

    @Option(names = "--trunc", description = "truncation psi (default 1)")
    Double psi;

    @Option(names = "--class", description = "class index, for conditional models")
    Integer classIdx;

    @Option(names = "--keep-frames", description = "also store every frame as a PNG")
    boolean keepFrames;

    @Option(names = "--priority", description = "interactive, normal, bulk, or 0 to 9 (default normal)")
    String priority;

    @Option(names = "--wait", description = "wait for the job to end, with a progress bar")
    boolean await;

    @Option(names = "--download", description = "download video.mp4 and the manifest into this directory (implies --wait)")
    Path download;

    @Override
    public Integer call() throws Exception {
        GatewayClient client = farm.client();
        ObjectNode spec = JsonNodeFactory.instance.objectNode().put("seeds", seeds);
        if (frames != null) {
            spec.put("frames_per_keyframe", frames);
        }
        if (fps != null) {
            spec.put("fps", fps);
        }
        if (loop) {
            spec.put("loop", true);
        }
        if (kind != null) {
            spec.put("kind", kind);
        }
        if (space != null) {
            spec.put("space", space);
        }
        if (grid != null) {
            spec.put("grid", grid);
        }
        if (psi != null) {
            spec.put("truncation_psi", psi);
        }
        if (classIdx != null) {
            spec.put("class_idx", classIdx);
        }
        if (keepFrames) {
            spec.put("keep_frames", true);
        }
        JsonNode job = client.submit(GenerateCommand.request("interpolate", model, priority, spec));
        UUID id = UUID.fromString(job.path("id").asText());
        System.out.println("job " + id + " accepted (" + job.path("items").path("total").asLong() + " frames)");
        if (!await && download == null) {
            return 0;
        }
        return GenerateCommand.finish(client, id, download);
    }
}
