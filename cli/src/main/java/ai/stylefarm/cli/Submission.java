package ai.stylefarm.cli;

import ai.stylefarm.cli.client.GatewayClient;
import ai.stylefarm.schemas.JobState;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.UUID;
import picocli.CommandLine.Option;

/**
 * How a job is submitted from the command line, the options every submitting command shares: its priority, and
 * whether to wait for it and download what it made.
 */
final class Submission {
    @Option(names = "--priority", description = "interactive, normal, bulk, or 0 to 9 (higher first; default normal)")
    String priority;

    @Option(names = "--wait", description = "wait for the job to end, with progress")
    boolean await;

    @Option(names = "--download", description = "download the job's outputs into this directory (implies --wait)")
    Path download;

    /** Submits the job and says so; then waits and downloads if asked. The exit status says how it went. */
    int submit(GatewayClient client, String kind, String model, ObjectNode spec) throws InterruptedException {
        JsonNode job = client.submit(request(kind, model, priority, spec));
        UUID id = UUID.fromString(job.path("id").asText());
        System.out.println("job " + id + " accepted (" + job.path("items").path("total").asLong() + " "
                + JobFollower.unit(job) + ")");
        if (!await && download == null) {
            return 0;
        }
        return finish(client, id, download);
    }

    /** A {@code POST /v1/jobs} body; {@code priority} is a name or a number, null for the default. */
    static ObjectNode request(String kind, String model, String priority, ObjectNode spec) {
        ObjectNode request = JsonNodeFactory.instance.objectNode().put("kind", kind).put("model", model);
        if (priority != null) {
            if (priority.matches("[0-9]{1,9}")) {
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
