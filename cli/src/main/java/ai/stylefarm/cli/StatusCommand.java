package ai.stylefarm.cli;

import ai.stylefarm.cli.client.GatewayClient;
import ai.stylefarm.cli.local.AdminKeyFile;
import ai.stylefarm.cli.local.FarmState;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code ./farm status}: whether the local farm runs, the health of each service, and the latest jobs. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show the local farm's services and latest jobs.")
final class StatusCommand implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
        Path dataDir = FarmConnection.dataDir();
        Optional<FarmState> found = FarmState.readIfRunning(dataDir);
        if (found.isEmpty()) {
            System.out.println("No farm is running in " + dataDir.toAbsolutePath() + " (start one with ./farm up).");
            return 3;
        }
        FarmState state = found.get();
        System.out.printf("farm       running for %s (supervisor pid %d)%n",
                Duration.between(state.startedAt(), Instant.now()).withNanos(0).toString().substring(2).toLowerCase(),
                state.pid());
        System.out.println("gateway    " + state.gatewayUrl() + "  " + health(state.gatewayUrl()));
        System.out.println("scheduler  " + state.schedulerUrl() + "  " + health(state.schedulerUrl()));
        GatewayClient client = new GatewayClient(state.gatewayUrl(), AdminKeyFile.forCli(dataDir));
        JsonNode jobs = client.jobs(null, 5).path("items");
        System.out.println(jobs.isEmpty() ? "jobs       none yet" : "latest jobs:");
        jobs.forEach(job -> System.out.println("  " + JobFollower.describe(job)));
        return 0;
    }

    /** A service's health check, by HttpURLConnection: quick to start, like the rest of this command. */
    private static String health(String baseUrl) {
        try {
            java.net.HttpURLConnection c = (java.net.HttpURLConnection) URI.create(baseUrl + "/q/health").toURL()
                    .openConnection();
            c.setConnectTimeout(5_000);
            c.setReadTimeout(5_000);
            try {
                int status = c.getResponseCode();
                return status == 200 ? "UP" : "DOWN (HTTP " + status + ")";
            } finally {
                c.disconnect();
            }
        } catch (Exception e) {
            return "unreachable (" + e.getMessage() + ")";
        }
    }
}
