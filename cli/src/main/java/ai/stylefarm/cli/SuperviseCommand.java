package ai.stylefarm.cli;

import ai.stylefarm.cli.local.LocalFarmConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The background process behind {@code ./farm up}; not for direct use. */
@Command(name = "supervise", hidden = true)
final class SuperviseCommand implements Callable<Integer> {
    @Option(names = "--workers", defaultValue = "1")
    int workers;

    @Override
    public Integer call() throws Exception {
        Supervisor.run(LocalFarmConfig.defaults(FarmConnection.dataDir()).withWorkers(workers));
        return 0;
    }
}
