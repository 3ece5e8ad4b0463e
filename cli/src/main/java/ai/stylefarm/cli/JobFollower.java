package ai.stylefarm.cli;

import ai.stylefarm.cli.client.GatewayClient;
import ai.stylefarm.schemas.JobState;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.UUID;

/** Follows a job to its end with a progress bar, and downloads its outputs. */
final class JobFollower {
    private static final long POLL_MILLIS = 500;

    private JobFollower() {
    }

    /**
     * Polls until the job ends; returns its final view. Interrupted (Ctrl-C), it says that the job goes on and how
     * to follow it: waiting is the client's, the job is the farm's.
     */
    static JsonNode await(GatewayClient client, UUID id, boolean showProgress) throws InterruptedException {
        JsonNode job = client.job(id);
        Progress progress = showProgress ? new Progress(job.path("items").path("total").asLong(), unit(job)) : null;
        Thread notice = new Thread(() -> System.err.printf("%njob %s keeps running on the farm: ./farm job %s --wait"
                + " follows it, ./farm cancel %s stops it%n", id, id, id));
        Runtime.getRuntime().addShutdownHook(notice);
        try {
            long shown = -1;
            while (!JobState.valueOf(job.path("state").asText()).isTerminal()) {
                long done = job.path("items").path("done").asLong();
                if (progress != null && done != shown) {
                    progress.set(done);
                    shown = done;
                }
                Thread.sleep(POLL_MILLIS);
                job = client.job(id);
            }
        } finally {
            removeHook(notice);
        }
        if (progress != null) {
            progress.set(job.path("items").path("done").asLong());
            progress.finish();
        }
        return job;
    }

    /** What a job's items are, for a rate a reader understands. */
    static String unit(JsonNode job) {
        return switch (job.path("kind").asText()) {
            case "interpolate" -> "frames";
            case "project", "calibrate" -> "projections";
            default -> "images";
        };
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The JVM is exiting because of Ctrl-C: the hook is what prints the notice.
        }
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
