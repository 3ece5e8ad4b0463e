package ai.stylefarm.cli;

import ai.stylefarm.cli.client.GatewayClient;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ./farm job ID}: one job in detail; {@code --wait} and {@code --download} as for generate. */
@Command(name = "job", mixinStandardHelpOptions = true, description = "Show one job; optionally wait and download.")
final class JobCommand implements Callable<Integer> {
    @Mixin
    FarmConnection farm;

    @Parameters(paramLabel = "ID", description = "the job: its id or the start of it")
    String ref;

    @Option(names = "--wait", description = "wait for the job to end")
    boolean await;

    @Option(names = "--download", description = "download the outputs into this directory (implies --wait)")
    Path download;

    @Override
    public Integer call() throws Exception {
        GatewayClient client = farm.client();
        UUID id = client.resolveJob(ref);
        if (await || download != null) {
            return Submission.finish(client, id, download);
        }
        JsonNode job = client.job(id);
        System.out.println(JobFollower.describe(job));
        System.out.println("  spec: " + job.path("spec"));
        System.out.println("  created " + job.path("created_at").asText() + ", started " + job.path("started_at").asText("-")
                + ", finished " + job.path("finished_at").asText("-"));
        if (ProjectionTable.appliesTo(job)) {
            ProjectionTable.print(client, id, System.out);
        }
        return 0;
    }
}
