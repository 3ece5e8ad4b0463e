package ai.stylefarm.cli;

import ai.stylefarm.cli.client.GatewayClient;
import ai.stylefarm.schemas.JobState;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.UUID;

/** Follows a job to its end with a progress bar, and downloads its outputs. */
final class JobFollower {
    private JobFollower() {
    }

    /** Polls until the job ends; returns its final view. */
    static JsonNode await(GatewayClient client, UUID id, boolean showProgress) throws InterruptedException {
        JsonNode job = client.job(id);
        Progress progress = showProgress ? new Progress(job.path("items").path("total").asLong()) : null;
        long shown = -1;
        while (!JobState.valueOf(job.path("state").asText()).isTerminal()) {
            long done = job.path("items").path("done").asLong();
            if (progress != null && done != shown) {
                progress.set(done);
                shown = done;
            }
            Thread.sleep(100);
            job = client.job(id);
        }
        if (progress != null) {
            progress.set(job.path("items").path("done").asLong());
            progress.finish();
        }
        return job;
    }


    static String describe(JsonNode job) {
        StringBuilder s = new StringBuilder();
        s.append(String.format("%s  %-9s %-8s model %s  priority %d  %d/%d items  tasks %d/%d done, %d failed",
                job.path("id").asText(), job.path("state").asText(), job.path("kind").asText(),
                job.path("model").asText(), job.path("priority").asInt(), job.path("items").path("done").asLong(),
                job.path("items").path("total").asLong(), job.path("tasks").path("done").asInt(),
                job.path("tasks").path("total").asInt(), job.path("tasks").path("failed").asInt()));
        if (job.hasNonNull("error")) {
            s.append(System.lineSeparator()).append("  error: ").append(job.path("error").asText());
        }
        return s.toString();
    }
}
