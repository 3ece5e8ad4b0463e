package ai.stylefarm.cli;

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
    UUID id;

    @Override
    public Integer call() {
        farm.client().cancel(id);
        System.out.println("job " + id + ": cancel requested");
        return 0;
    }
}
