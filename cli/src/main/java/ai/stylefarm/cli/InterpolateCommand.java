package ai.stylefarm.cli;

import ai.stylefarm.cli.client.GatewayClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
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

    @Option(names = "--seeds", description = "keyframe seeds in walk order, e.g. 1,2,3,4")
    String seeds;

    @Option(names = "--keyframes", split = ",", paramLabel = "KEYFRAME", description = {"keyframes in walk order,"
            + " instead of --seeds: a seed, or a finished projection job and target, JOB:TARGET (the job's id or"
            + " its start; :0 when left out), e.g. 12,6f1c2a9e:0,6f1c2a9e:1"})
    List<String> keyframes;

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

    @Mixin
    Rendering rendering;

    @Option(names = "--crf", description = "H.264 quality, 0 (lossless) to 51 (default 18)")
    Integer crf;

    @Option(names = "--preset", description = "x264 preset, ultrafast to veryslow")
    String preset;

    @Option(names = "--scale", description = "upscale each frame by this integer factor (nearest), 1 to 8")
    Integer scale;

    @Option(names = "--keep-frames", description = "also store every frame as a PNG")
    boolean keepFrames;

    @Mixin
    Submission submission;

    @Override
    public Integer call() throws Exception {
        if ((seeds == null) == (keyframes == null)) {
            throw new IllegalArgumentException("give --seeds or --keyframes (one of them)");
        }
        GatewayClient client = farm.client();
        ObjectNode spec = JsonNodeFactory.instance.objectNode();
        if (seeds != null) {
            spec.put("seeds", seeds);
        } else {
            ArrayNode list = spec.putArray("keyframes");
            keyframes.forEach(k -> list.add(keyframe(client, k.strip())));
        }
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
        rendering.into(spec);
        if (crf != null) {
            spec.put("crf", crf);
        }
        if (preset != null) {
            spec.put("preset", preset);
        }
        if (scale != null) {
            spec.put("scale", scale);
        }
        if (keepFrames) {
            spec.put("keep_frames", true);
        }
        return submission.submit(client, "interpolate", model, spec);
    }

    /**
     * A seed (digits alone), or {@code JOB[:TARGET]}: a projection job's target, the job named by its id or the start
     * of it. A start of an id made of digits alone reads as a seed unless it has its {@code :TARGET}.
     */
    private static JsonNode keyframe(GatewayClient client, String text) {
        if (text.matches("[0-9]{1,10}")) {
            return JsonNodeFactory.instance.numberNode(Long.parseLong(text));
        }
        int colon = text.lastIndexOf(':');
        ObjectNode k = JsonNodeFactory.instance.objectNode().put("projection",
                client.resolveJob(colon < 0 ? text : text.substring(0, colon)).toString());
        if (colon >= 0) {
            String target = text.substring(colon + 1);
            if (!target.matches("[0-9]{1,6}")) {
                throw new IllegalArgumentException("keyframe '" + text + "': after ':' comes a target's index, 0 or"
                        + " more");
            }
            k.put("target", Integer.parseInt(target));
        }
        return k;
    }
}
