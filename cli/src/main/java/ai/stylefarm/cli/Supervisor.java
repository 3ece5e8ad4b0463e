package ai.stylefarm.cli;

import ai.stylefarm.cli.local.AdminKeyFile;
import ai.stylefarm.cli.local.FarmControl;
import ai.stylefarm.cli.local.FarmState;
import ai.stylefarm.cli.local.LocalFarm;
import ai.stylefarm.cli.local.LocalFarmConfig;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;

/** Runs a local farm until this process is told to stop (Ctrl-C, SIGTERM, {@code ./farm down}). */
final class Supervisor {
    private Supervisor() {
    }

    static void run(LocalFarmConfig config) throws InterruptedException {
        if (FarmState.readIfRunning(config.dataDir()).isPresent()) {
            throw new IllegalStateException("a farm already runs on " + config.dataDir().toAbsolutePath());
        }
        String key = AdminKeyFile.readOrCreate(config.dataDir());
        LocalFarm farm = LocalFarm.start(config, key);
        FarmControl control = publish(farm, config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("farm: stopping");
            FarmState.delete(config.dataDir());
            control.close();
            farm.close();
            System.out.println("farm: stopped");
            stopped.countDown();
        }, "farm-shutdown"));
        System.out.println("farm: running; gateway " + farm.gatewayUrl());
        System.out.flush();
        stopped.await();
    }

    /** Opens the farm's control endpoint and writes {@code farm.json}, through which the CLI finds the farm. */
    static FarmControl publish(LocalFarm farm, LocalFarmConfig config) {
        FarmControl control = FarmControl.start(farm);
        new FarmState(ProcessHandle.current().pid(), Instant.now(), farm.gatewayUrl(), farm.schedulerUrl(),
                config.dataDir().toAbsolutePath().toString(), control.url(), control.token()).write(config.dataDir());
        return control;
    }
}
