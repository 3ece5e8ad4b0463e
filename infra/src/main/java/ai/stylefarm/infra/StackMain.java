package ai.stylefarm.infra;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the embedded stack in the foreground until Ctrl-C or SIGTERM:
 * {@code java -cp ... ai.stylefarm.infra.StackMain [--data-dir DIR]}. Ports, credentials and an external
 * PostgreSQL come from {@link StackConfig#fromEnvironment()}.
 */
public final class StackMain {

    private StackMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Logging.consoleDefaults();
        StackConfig config = StackConfig.fromEnvironment();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--data-dir") && i + 1 < args.length) {
                config = config.withDataDir(Path.of(args[++i]));
            } else {
                System.err.println("usage: StackMain [--data-dir DIR]");
                System.exit(2);
            }
        }
        EmbeddedStack stack;
        try {
            stack = EmbeddedStack.start(config);
        } catch (RuntimeException e) {
            System.err.println("stylefarm stack: could not start: " + e.getMessage());
            e.printStackTrace();
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        // The stack has a shutdown hook of its own; this one only reports when stopping is done.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("stylefarm stack: stopping");
            stack.close();
            System.out.println("stylefarm stack: stopped");
            stopped.countDown();
        }, "stack-main-shutdown"));
        System.out.println("stylefarm stack: running (Ctrl-C stops it)");
        System.out.println(stack.endpoints().describe());
        System.out.println("endpoints  " + stack.dataDir().resolve(StackEndpoints.FILE_NAME));
        System.out.flush();
        stopped.await();
    }
}
