package ai.stylefarm.cli;

import ai.stylefarm.cli.local.FarmState;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A request to the running local farm's supervisor (its control endpoint), printed as ./farm prints results. */
final class ControlRequest {
    private ControlRequest() {
    }

    /** POSTs {@code pathAndQuery}; prints the answer and returns the exit status (2 for a request it refused). */
    static int post(String pathAndQuery) throws IOException, InterruptedException {
        FarmState state = FarmState.readIfRunning(FarmConnection.dataDir()).orElseThrow(() ->
                new IllegalStateException("no farm is running here: start one with ./farm up"));
        if (state.controlUrl() == null) {
            throw new IllegalStateException("this farm was started by an older ./farm; stop it with ./farm down and"
                    + " start it again");
        }
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(state.controlUrl() + pathAndQuery)).header("X-Farm-Token", state.controlToken())
                .timeout(Duration.ofMinutes(5)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        String text = response.body().strip();
        if (response.statusCode() != 200) {
            System.err.println("error: " + text);
            return response.statusCode() == 400 ? 2 : 1;
        }
        System.out.println("farm: " + text);
        return 0;
    }
}
