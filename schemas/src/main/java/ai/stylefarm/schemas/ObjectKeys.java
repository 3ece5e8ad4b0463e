package ai.stylefarm.schemas;

import java.util.UUID;

/** The bucket's layout, shared by everyone who writes or reads it. */
public final class ObjectKeys {
    private ObjectKeys() {
    }

    /** Everything a job produces is under this prefix, which is also what keeps tenants apart. */
    public static String job(UUID jobId) {
        return "jobs/" + jobId + "/";
    }

    public static String images(UUID jobId) {
        return job(jobId) + "images/";
    }

    public static String shards(UUID jobId) {
        return job(jobId) + "shards/";
    }

    /** One task's lines of the manifest, concatenated in task order when the job ends. */
    public static String manifestPart(UUID jobId, int taskIndex) {
        return job(jobId) + String.format("parts/part-%06d.jsonl", taskIndex);
    }

    public static String datasetCard(UUID jobId) {
        return job(jobId) + "dataset.json";
    }

    public static String styleMix(UUID jobId) {
        return job(jobId) + "style_mix/";
    }

    public static String grid(UUID jobId) {
        return job(jobId) + "grid.png";
    }

    /** Task {@code index}'s H.264 segment of an interpolation video; a re-run overwrites it whole. */
    public static String segment(UUID jobId, int index) {
        return job(jobId) + String.format("segments/segment-%06d.mp4", index);
    }

    public static String frames(UUID jobId) {
        return job(jobId) + "frames/";
    }

    public static String video(UUID jobId) {
        return job(jobId) + "video.mp4";
    }

    /** An inline w keyframe of an interpolation job, stored as float32 {@code .npy} when the job is planned. */
    public static String keyframe(UUID jobId, int index) {
        return job(jobId) + String.format("keyframes/keyframe-%04d.npy", index);
    }

    /** Everything one target of a projection (or calibration) job produces. */
    public static String projection(UUID jobId, int target) {
        return job(jobId) + String.format("projections/%06d/", target);
    }

    public static final String PROJECTED_W = "projected_w.npz";
    public static final String PROJECTED_NOISE = "projected_noise.npz";
    public static final String PROJ_PNG = "proj.png";
    public static final String TARGET_PNG = "target.png";
    public static final String PROJ_MP4 = "proj.mp4";
    public static final String METRICS = "metrics.json";

    /** The projected w of a projection job's target, NVIDIA's format: key {@code w}, [1, num_ws, w_dim]. */
    public static String projectedW(UUID jobId, int target) {
        return projection(jobId, target) + PROJECTED_W;
    }

    /** Every target's distance and verdict (calibration: and the ROC), as JSON and as CSV. */
    public static String report(UUID jobId, String extension) {
        return job(jobId) + "report." + extension;
    }

    public static String manifest(UUID jobId) {
        return job(jobId) + "manifest.jsonl";
    }

    /**
     * Written by the scheduler when a job is cancelled. Workers never read the database, so this is how they learn
     * to stop: they check it before a task and between batches.
     */
    public static String cancelMarker(UUID jobId) {
        return job(jobId) + "cancelled";
    }

    /**
     * Put by the gateway when an operator drains a worker, removed when it is undrained. Workers never read the
     * database, so they look for it between tasks: while it exists, the worker takes no task and leaves the group.
     */
    public static String drainMarker(String workerId) {
        return "control/workers/" + workerId + "/drain";
    }

    /** An uploaded image: the tenant is part of the key, so one tenant's uploads can never name another's. */
    public static String upload(String tenant, UUID uploadId) {
        return "uploads/" + tenant + "/" + uploadId;
    }

    public static String model(String modelId, String file) {
        return "models/" + modelId + "/" + file;
    }
}
