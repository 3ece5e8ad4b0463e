package ai.stylefarm.infra;

/**
 * A JVM shutdown hook that a component installs while it runs and removes when it stops, so a stopped component
 * leaves nothing behind and a crashed test JVM still takes its child processes down.
 */
final class ShutdownHook {
    private final String name;
    private final Runnable action;
    private Thread thread;

    /** The action must not lock the component: a start() still waiting must not block JVM shutdown. */
    ShutdownHook(String name, Runnable action) {
        this.name = name;
        this.action = action;
    }

    void install() {
        if (thread == null) {
            thread = new Thread(action, name);
            Runtime.getRuntime().addShutdownHook(thread);
        }
    }

    void remove() {
        if (thread != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(thread);
            } catch (IllegalStateException alreadyShuttingDown) {
                // The hook is running or about to; the component's stop is idempotent.
            }
            thread = null;
        }
    }
}
