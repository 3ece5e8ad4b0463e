package ai.stylefarm.cli;

import ai.stylefarm.cli.client.GatewayClient;
import ai.stylefarm.schemas.JobState;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code ./farm download JOB DIR}: resumable, checksum-verified download of a job's outputs. A file whose checksum
 * does not match is named and the exit status is 1; a job that has not succeeded is downloaded as far as it got, said
 * to be partial, with exit status 3.
 */
@Command(name = "download", mixinStandardHelpOptions = true,
        description = {"Download a job's outputs; resumes where it stopped and checks every file's sha256.",
                "Exit status: 0 complete, 1 a checksum mismatch, 3 the job has not succeeded (a partial download)."})
final class DownloadCommand implements Callable<Integer> {
    @Mixin
    FarmConnection farm;

    @Parameters(index = "0", paramLabel = "JOB")
    String ref;

    @Parameters(index = "1", paramLabel = "DIR")
    Path dir;

    static final int PARTIAL = 3;

    @Override
    public Integer call() {
        GatewayClient client = farm.client();
        UUID job = client.resolveJob(ref);
        JsonNode before = client.job(job);
        Downloader.Result result = Downloader.download(client, job, dir, true);
        System.out.printf("%d files fetched, %d already there and verified, in %s%n", result.fetched(), result.kept(),
                dir.toAbsolutePath());
        if (!result.complete()) {
            result.mismatched().forEach(f -> System.err.println("checksum mismatch: " + f
                    + " (not kept; run the download again to retry, ./farm verify " + job + " to check the farm)"));
            result.missing().forEach(f -> System.err.println("missing: " + f + " is recorded but not in storage"
                    + " (./farm verify " + job + " checks the farm)"));
            return 1;
        }
        String state = before.path("state").asText();
        if (!JobState.SUCCEEDED.name().equals(state)) {
            System.err.printf("partial: job %s is %s, so this is only what it has stored so far (%d of %d items)%n",
                    job, state, before.path("items").path("done").asLong(), before.path("items").path("total").asLong());
            return PARTIAL;
        }
        if (before.hasNonNull("outputs_deleted_at")) {
            System.err.printf("job %s's outputs were deleted at %s by its tenant's retention period%n", job,
                    before.path("outputs_deleted_at").asText());
            return PARTIAL;
        }
        return 0;
    }
}
