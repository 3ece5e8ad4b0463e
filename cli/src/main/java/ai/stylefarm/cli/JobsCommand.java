package ai.stylefarm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./farm jobs}: the latest jobs, newest first. */
@Command(name = "jobs", mixinStandardHelpOptions = true, description = "List jobs, newest first.")
final class JobsCommand implements Callable<Integer> {
    @Mixin
    FarmConnection farm;

    @Option(names = "--state", description = "only jobs in this state (QUEUED, RUNNING, SUCCEEDED, ...)")
    String state;

    @Option(names = "--limit", defaultValue = "20", description = "how many (default: ${DEFAULT-VALUE})")
    int limit;

    @Override
    public Integer call() {
        JsonNode jobs = farm.client().jobs(state, limit).path("items");
        if (jobs.isEmpty()) {
            System.out.println("no jobs");
        }
        jobs.forEach(job -> System.out.println(JobFollower.describe(job)));
        return 0;
    }
}
