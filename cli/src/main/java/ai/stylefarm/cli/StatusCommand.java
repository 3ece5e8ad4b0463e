package ai.stylefarm.cli;

import ai.stylefarm.cli.client.GatewayClient;
import ai.stylefarm.cli.local.AdminKeyFile;
import ai.stylefarm.cli.local.FarmState;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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

    private static String health(String baseUrl) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(baseUrl
                    + "/q/health")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? "UP" : "DOWN (HTTP " + r.statusCode() + ")";
        } catch (Exception e) {
            return "unreachable (" + e.getMessage() + ")";
        }
    }
}
