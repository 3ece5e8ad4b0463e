package ai.stylefarm.cli;

import ai.stylefarm.cli.local.LocalFarm;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ./farm restart COMPONENT [N]}: brings one part of the running local farm back, healthy. */
@Command(name = "restart", mixinStandardHelpOptions = true,
        description = {"Restart one part of the local farm (gracefully if it runs, at once if it crashed or was"
                + " killed) and wait until it is healthy again.",
                "COMPONENT: gateway, scheduler, worker N, kafka, postgres or s3."})
final class RestartCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "COMPONENT")
    String component;

    @Parameters(index = "1", paramLabel = "N", arity = "0..1", description = "the worker's number (worker only)")
    Integer index;

    @Override
    public Integer call() throws IOException, InterruptedException {
        LocalFarm.Component which = LocalFarm.Component.parse(component);
        if (which != LocalFarm.Component.WORKER && index != null) {
            throw new IllegalArgumentException("only a worker takes a number");
        }
        String query = "component=" + which.name().toLowerCase(java.util.Locale.ROOT)
                + (which == LocalFarm.Component.WORKER ? "&index=" + (index == null ? 0 : index) : "");
        return ControlRequest.post("/restart?" + query);
    }
}
