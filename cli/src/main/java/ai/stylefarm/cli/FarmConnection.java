package ai.stylefarm.cli;

import ai.stylefarm.cli.client.GatewayClient;
import ai.stylefarm.cli.local.AdminKeyFile;
import ai.stylefarm.cli.local.FarmState;
import ai.stylefarm.infra.StackConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Options shared by the commands that talk to a farm: the gateway URL and API key, by default those of the local
 * farm ({@code .stylefarm/farm.json} and {@code .stylefarm/admin-key}), or {@code STYLEFARM_GATEWAY} and
 * {@code STYLEFARM_API_KEY}.
 */
final class FarmConnection {
    @Option(names = "--gateway", description = "gateway URL (default: the local farm, or $STYLEFARM_GATEWAY)")
    String gateway;

    @Option(names = "--key", description = "API key (default: the local farm's admin key, or $STYLEFARM_API_KEY)")
    String key;

    static Path dataDir() {
        return StackConfig.fromEnvironment().dataDir();
    }

    GatewayClient client() {
        String url = gateway != null ? gateway : System.getenv("STYLEFARM_GATEWAY");
        if (url == null || url.isBlank()) {
            url = FarmState.readIfRunning(dataDir()).map(FarmState::gatewayUrl).orElseThrow(() ->
                    new IllegalStateException("no farm is running here: start one with ./farm up, or pass --gateway"));
        }
        String apiKey = key != null ? key : AdminKeyFile.forCli(dataDir());
        if (apiKey == null) {
            throw new IllegalStateException("no API key: pass --key or set STYLEFARM_API_KEY");
        }
        return new GatewayClient(url, apiKey);
    }
}
