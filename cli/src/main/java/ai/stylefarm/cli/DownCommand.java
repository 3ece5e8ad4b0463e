package ai.stylefarm.cli;

import ai.stylefarm.cli.local.FarmState;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;

/** {@code ./farm down}: stops the local farm gracefully (workers finish or release their tasks first). */
@Command(name = "down", mixinStandardHelpOptions = true, description = "Stop the local farm started by ./farm up.")
final class DownCommand implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
        Path dataDir = FarmConnection.dataDir();
        Optional<FarmState> state = FarmState.readIfRunning(dataDir);
        if (state.isEmpty()) {
            System.out.println("No farm is running in " + dataDir.toAbsolutePath() + ".");
            return 0;
        }
        ProcessHandle supervisor = state.get().supervisor().orElseThrow();
        System.err.print("farm: stopping ");
        supervisor.destroy();
        try {
            supervisor.onExit().get(150, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            supervisor.descendants().forEach(ProcessHandle::destroyForcibly);
            supervisor.destroyForcibly();
            System.err.println("(forced)");
            return 1;
        }
        System.err.println("done");
        return 0;
    }
}
