package ai.stylefarm.cli.local;

import ai.stylefarm.infra.ChildJvm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One service of the local farm in its own JVM, with its output in {@code logs/<name>.log}. Children watch this
 * process (through the infra module's OrphanGuard) and exit with it, so even a killed launcher leaves no orphans.
 */
public final class ServiceProcess implements AutoCloseable {
    private static final Duration GRACE = Duration.ofSeconds(30);

    private final String name;
    private final ProcessBuilder builder;
    private final Path log;
    private final String healthUrl;
    private Process process;

    ServiceProcess(String name, ProcessBuilder builder, Path log, String healthUrl) {
        this.name = name;
        this.builder = builder;
        this.log = log;
        this.healthUrl = healthUrl;
    }

    /** The URL its readiness is checked at; null when none. */
    public String healthUrl() {
        return healthUrl;
    }

    public String name() {
        return name;
    }

    ProcessBuilder builder() {
        return builder;
    }

    public Path log() {
        return log;
    }

    public synchronized void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        try {
            Files.createDirectories(log.getParent());
            builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name, e);
        }
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    public synchronized long pid() {
        return process == null ? -1 : process.pid();
    }

    /** Waits until the health URL answers 200, failing early if the process exits. */
    public void awaitHealthy(Duration timeout) {
        if (healthUrl == null) {
            return;
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!isAlive()) {
                throw new IllegalStateException(name + " exited during start; see " + log + tail());
            }
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(healthUrl))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // Not listening yet.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + name, e);
            }
            sleep(100);
        }
        throw new IllegalStateException(name + " was not healthy within " + timeout.toSeconds() + " s; see " + log + tail());
    }

    /** SIGTERM, so the service shuts down gracefully; SIGKILL after a grace period. */
    public synchronized void stop() {
        if (process != null) {
            ChildJvm.stop(process, GRACE);
            process = null;
        }
    }

    /** SIGKILL: a crash, for fault tests. */
    public synchronized void kill() {
        if (process != null) {
            ChildJvm.kill(process);
            process = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return "\n  " + String.join("\n  ", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
