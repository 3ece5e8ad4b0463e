package ai.stylefarm.cli;

import ai.stylefarm.cli.client.GatewayClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code ./farm open}: the dashboard's address with the API key in its fragment, so that the link signs in. A
 * fragment never leaves the browser (no server or proxy log sees it) and the dashboard wipes it from the address bar
 * and the history once stored; the link is still a credential, so it goes to the terminal only.
 */
@Command(name = "open", mixinStandardHelpOptions = true,
        description = "Print a dashboard link that signs in with this farm's key (or --key).")
final class OpenCommand implements Callable<Integer> {
    @Mixin
    FarmConnection farm;

    @Override
    public Integer call() {
        GatewayClient client = farm.client();
        client.whoami();
        System.out.println(client.baseUrl() + "/#key=" + URLEncoder.encode(client.apiKey(), StandardCharsets.UTF_8));
        return 0;
    }
}
