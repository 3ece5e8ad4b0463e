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

    public static String model(String modelId, String file) {
        return "models/" + modelId + "/" + file;
    }
}
