package ai.stylefarm.cli;

import ai.stylefarm.cli.client.GatewayClient;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code ./farm cancel ID}. */
@Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancel a job; its running tasks stop within seconds.")
final class CancelCommand implements Callable<Integer> {
    @Mixin
    FarmConnection farm;

    @Parameters(paramLabel = "ID")
    String ref;

    @Override
    public Integer call() {
        GatewayClient client = farm.client();
        UUID id = client.resolveJob(ref);
        client.cancel(id);
        System.out.println("job " + id + ": cancel requested");
        return 0;
    }
}
