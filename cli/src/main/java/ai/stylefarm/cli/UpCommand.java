package ai.stylefarm.cli;

import ai.stylefarm.cli.local.AdminKeyFile;
import ai.stylefarm.cli.local.FarmState;
import ai.stylefarm.cli.local.LocalFarmConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./farm up}: starts the embedded stack and the three services in a background supervisor process and
 * returns once they are ready, printing the URLs and the admin key. {@code --foreground} runs the supervisor in
 * this terminal instead, where Ctrl-C stops everything.
 */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = "Start Kafka, PostgreSQL, S3, the gateway, the scheduler and the workers on 127.0.0.1.")
final class UpCommand implements Callable<Integer> {
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);

    @Option(names = "--workers", description = {"worker processes (default 1); on a running farm, starts or stops"
            + " workers until it runs this many"})
    Integer workers;

    @Option(names = "--foreground", description = "run in this terminal; Ctrl-C stops the farm")
    boolean foreground;

    @Override
    public Integer call() throws Exception {
        Path dataDir = FarmConnection.dataDir();
        Optional<FarmState> running = FarmState.readIfRunning(dataDir);
        if (running.isPresent()) {
            if (workers != null) {
                return ControlRequest.post("/workers?count=" + workers);
            }
            System.out.println("The farm is already running.");
            print(running.get(), dataDir);
            return 0;
        }
        int count = workers == null ? 1 : workers;
        LocalFarmConfig config = LocalFarmConfig.defaults(dataDir).withWorkers(count);
        if (foreground) {
            Supervisor.run(config);
            return 0;
        }
        FarmState state = startInBackground(dataDir, count);
        print(state, dataDir);
        return 0;
    }

    /** Starts {@code farm supervise} detached from this terminal, and waits until it reports the farm ready. */
    static FarmState startInBackground(Path dataDir, int workers) throws IOException, InterruptedException {
        Instant began = Instant.now();
        Path log = dataDir.resolve("logs").resolve("farm.log");
        Files.createDirectories(log.getParent());
        List<String> command = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            command.add("/usr/bin/setsid"); // its own session: the terminal's Ctrl-C and hang-up do not reach it
        }
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        System.getProperties().stringPropertyNames().stream().filter(n -> n.startsWith("stylefarm."))
                .forEach(n -> command.add("-D" + n + "=" + System.getProperty(n)));
        command.add("-Dstylefarm.home=" + LocalFarmConfig.findHome());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Farm.class.getName(), "supervise",
                "--workers", Integer.toString(workers)));

        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        System.err.print("farm: starting (log " + log + ") ");
        Instant deadline = began.plus(READY_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            Optional<FarmState> state = FarmState.readIfRunning(dataDir);
            if (state.isPresent() && state.get().pid() == process.pid()) {
                System.err.printf("ready in %.1f s%n", Duration.between(began, Instant.now()).toMillis() / 1000.0);
                return state.get();
            }
            if (!process.isAlive()) {
                System.err.println();
                List<String> lines = Files.readAllLines(log);
                throw new IllegalStateException("the farm did not start:\n  "
                        + String.join("\n  ", lines.subList(Math.max(0, lines.size() - 20), lines.size())));
            }
            System.err.print(".");
            Thread.sleep(500);
        }
        process.destroy();
        throw new IllegalStateException("the farm was not ready within " + READY_TIMEOUT.toSeconds() + " s; see " + log);
    }

    static void print(FarmState state, Path dataDir) {
        System.out.println("dashboard  " + state.gatewayUrl() + "/   (sign in with the admin key below)");
        System.out.println("gateway    " + state.gatewayUrl() + "   (API " + state.gatewayUrl() + "/v1, OpenAPI "
                + state.gatewayUrl() + "/q/openapi, metrics " + state.gatewayUrl() + "/q/metrics)");
        System.out.println("scheduler  " + state.schedulerUrl() + "/q/health");
        System.out.println("admin key  " + AdminKeyFile.forCli(dataDir) + "   (also in " + dataDir.resolve("admin-key") + ")");
        System.out.println("logs       " + dataDir.resolve("logs").toAbsolutePath());
        System.out.println("stop with  ./farm down");
    }
}
