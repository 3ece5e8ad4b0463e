package ai.stylefarm.infra;

import java.lang.reflect.InvocationTargetException;
import java.util.Arrays;
import java.util.Optional;

/**
 * Entry point of every child JVM: {@code OrphanGuard <parentPid> <mainClass> [args...]}.
 *
 * <p>Shutdown hooks cannot run when the parent is killed with SIGKILL (or an IDE's stop button, or a
 * surefire timeout), and a broker left behind keeps its ports and the lock on its data directory, so the
 * next {@code ./farm up} fails. The child therefore watches the parent itself and exits with it; the
 * exit runs the child's own shutdown hooks, so Kafka still shuts down cleanly.
 */
public final class OrphanGuard {

    private OrphanGuard() {
    }

    /** Where this class is loaded from (a jar or a classes directory), for class paths of other programs' JVMs. */
    public static String classpathEntry() {
        try {
            return java.nio.file.Path.of(OrphanGuard.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void main(String[] args) throws Throwable {
        if (args.length < 2) {
            System.err.println("usage: OrphanGuard <parentPid> <mainClass> [args...]");
            System.exit(2);
        }
        long parentPid = Long.parseLong(args[0]);
        Optional<ProcessHandle> parent = ProcessHandle.of(parentPid);
        if (parent.isEmpty()) {
            System.err.println("OrphanGuard: parent " + parentPid + " is already gone, not starting");
            System.exit(3);
        }
        parent.get().onExit().thenRun(() -> {
            System.err.println("OrphanGuard: parent " + parentPid + " exited, shutting down");
            System.exit(0);
        });
        try {
            Class.forName(args[1])
                    .getMethod("main", String[].class)
                    .invoke(null, (Object) Arrays.copyOfRange(args, 2, args.length));
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
