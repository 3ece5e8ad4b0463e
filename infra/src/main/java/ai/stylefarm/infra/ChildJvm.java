package ai.stylefarm.infra;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Starts and stops child JVMs that run a main class, from this JVM's own class path or a given one. */
public final class ChildJvm {

    /** Overrides the child class path, for launchers whose {@code java.class.path} lacks the Kafka jars. */
    static final String CLASSPATH_PROPERTY = "stylefarm.child.classpath";

    private ChildJvm() {
    }

    /**
     * A process builder for {@code java <jvmOptions> @argFile OrphanGuard <ourPid> <mainClass> <args>}.
     *
     * <p>The class path goes through an argument file because test and Quarkus class paths run to tens of
     * kilobytes, past what Linux accepts as one command-line argument (128 KiB).
     */
    public static ProcessBuilder builder(Path argFile, List<String> jvmOptions, String mainClass, List<String> args) {
        return builder(argFile, System.getProperty(CLASSPATH_PROPERTY, System.getProperty("java.class.path")),
                jvmOptions, mainClass, args);
    }

    /**
     * Like {@link #builder(Path, List, String, List)} with an explicit class path, which must also hold
     * {@link OrphanGuard} (this module's jar or classes).
     */
    public static ProcessBuilder builder(Path argFile, String classpath, List<String> jvmOptions, String mainClass,
                                         List<String> args) {
        try {
            Files.createDirectories(argFile.getParent());
            Files.writeString(argFile, "-cp\n" + quote(classpath) + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("@" + argFile);
        command.add(OrphanGuard.class.getName());
        command.add(Long.toString(ProcessHandle.current().pid()));
        command.add(mainClass);
        command.addAll(args);
        return new ProcessBuilder(command);
    }

    /** Runs a short-lived child to completion, its output appended to {@code log}; fails on a non-zero exit. */
    public static void run(ProcessBuilder builder, File log, Duration timeout) {
        builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log));
        try {
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(process);
                throw new IllegalStateException("timed out after " + timeout + ": " + builder.command()
                        + "; see " + log);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("exit code " + process.exitValue() + ": " + builder.command()
                        + "; see " + log);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** SIGTERM, so the child's shutdown hooks run; SIGKILL for the whole tree if it outlasts {@code grace}. */
    public static void stop(Process process, Duration grace) {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(process);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill(process);
        }
        descendants.forEach(ProcessHandle::destroyForcibly);
    }

    /** SIGKILL for the process and everything it started, waiting until the process is reaped. */
    public static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Quotes one argument-file token: the launcher treats backslash as an escape inside quotes. */
    private static String quote(String value) {
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
