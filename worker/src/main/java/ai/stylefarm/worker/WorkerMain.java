package ai.stylefarm.worker;

/**
 * {@code java ai.stylefarm.worker.WorkerMain}: a worker configured from the environment (see
 * {@link WorkerConfig}), running until SIGTERM or SIGINT, on which it stops gracefully.
 */
public final class WorkerMain {
    private WorkerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        WorkerConfig config = WorkerConfig.fromEnvironment();
        try (Worker worker = Worker.start(config)) {
            // The JVM halts once shutdown hooks return, so the hook itself must wait for the graceful stop.
            Runtime.getRuntime().addShutdownHook(new Thread(worker::close, "worker-shutdown"));
            worker.awaitTermination();
        }
    }
}
