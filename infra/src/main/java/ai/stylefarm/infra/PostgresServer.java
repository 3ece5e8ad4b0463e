package ai.stylefarm.infra;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.util.LinuxUtils;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL from zonky's embedded binaries, on 127.0.0.1, or an external server that is only described.
 *
 * <p>The cluster lives in {@code <dir>/data} and logs to {@code <dir>/postgres.log}. The first start runs
 * initdb and creates the role and database that clients use; later starts reuse the cluster as it is.
 * When the JVM runs as root, zonky runs initdb and postgres in a user namespace ({@code unshare -U}),
 * because PostgreSQL refuses to run as root.
 */
public final class PostgresServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresServer.class);
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final String SUPERUSER = "postgres";

    private final Path dir;
    private final int port;
    private final String database;
    private final String user;
    private final String password;
    private final String externalJdbcUrl;
    private volatile EmbeddedPostgres postgres;
    private final ShutdownHook shutdownHook = new ShutdownHook("postgres-shutdown", () -> {
        EmbeddedPostgres running = postgres;
        if (running != null) {
            try {
                shutDown(running);
            } catch (IOException e) {
                LOG.warn("Could not stop PostgreSQL at shutdown", e);
            }
        }
    });

    /** An embedded server under {@code dir}; port 0 picks a free port (once, kept for restarts). */
    public PostgresServer(Path dir, int port, String database, String user, String password) {
        this.dir = dir.toAbsolutePath();
        this.port = FreePorts.orFree(port);
        this.database = checkIdentifier(database);
        this.user = checkIdentifier(user);
        this.password = password;
        this.externalJdbcUrl = null;
    }

    private PostgresServer(String jdbcUrl, String user, String password) {
        this.dir = null;
        this.port = -1;
        this.database = null;
        this.user = user;
        this.password = password;
        this.externalJdbcUrl = jdbcUrl;
    }

    /** A server run by someone else: start checks that it answers, stop leaves it alone. */
    public static PostgresServer external(String jdbcUrl, String user, String password) {
        return new PostgresServer(jdbcUrl, user, password);
    }

    public boolean isExternal() {
        return externalJdbcUrl != null;
    }

    public String jdbcUrl() {
        return isExternal() ? externalJdbcUrl : "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    /** The port of the embedded server; -1 for an external one. */
    public int port() {
        return port;
    }

    public Path logFile() {
        return isExternal() ? null : dir.resolve("postgres.log");
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), user, password);
    }

    public boolean isRunning() {
        return isExternal() || postmasterPid().isPresent();
    }

    /** The postmaster's process id while the embedded server runs. */
    public OptionalLong pid() {
        return postmasterPid().map(h -> OptionalLong.of(h.pid())).orElse(OptionalLong.empty());
    }

    public synchronized void start() {
        if (isExternal()) {
            checkReachable();
            return;
        }
        if (postgres != null) {
            return;
        }
        checkNotPlainRoot();
        Instant began = Instant.now();
        Path data = dir.resolve("data");
        try {
            Files.createDirectories(data);
            stopLeftover(data);
            String log = "==== " + began + " " + PostgresServer.class.getSimpleName() + ": starting ====\n";
            Files.writeString(logFile(), log, StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            ProcessBuilder.Redirect toLog = ProcessBuilder.Redirect.appendTo(logFile().toFile());
            postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(data)
                    .setCleanDataDirectory(false)
                    // One hook of our own instead of one per (re)start.
                    .setRegisterShutdownHook(false)
                    .setPort(port)
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    // zonky turns this off for speed; a job the gateway accepted must survive a crash.
                    .setServerConfig("synchronous_commit", "on")
                    .setOutputRedirector(toLog)
                    .setErrorRedirector(toLog)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .start();
            shutdownHook.install();
            createRoleAndDatabase();
        } catch (IOException e) {
            stopQuietly();
            throw new UncheckedIOException("could not start PostgreSQL in " + dir + "; see " + logFile(), e);
        } catch (SQLException e) {
            stopQuietly();
            throw new IllegalStateException("could not prepare database " + database + "; see " + logFile(), e);
        } catch (RuntimeException e) {
            stopQuietly();
            throw e;
        }
        LOG.info("PostgreSQL ready at {} in {} ms (log: {})", jdbcUrl(),
                Duration.between(began, Instant.now()).toMillis(), logFile());
    }

    /** Fast shutdown: open sessions are ended, committed data stays. */
    public synchronized void stop() {
        EmbeddedPostgres running = postgres;
        if (running == null) {
            return;
        }
        try {
            shutDown(running);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            postgres = null;
            shutdownHook.remove();
        }
    }

    /** Fast shutdown, returning once the postmaster has exited. */
    private void shutDown(EmbeddedPostgres running) throws IOException {
        Optional<ProcessHandle> postmaster = postmasterOf(dir.resolve("data"));
        running.close();
        // pg_ctl returns once the pid file is gone, a moment before the postmaster has exited; a JVM that
        // exits in that moment would otherwise leave a postmaster still holding the port.
        postmaster.ifPresent(PostgresServer::awaitExit);
    }

    /**
     * SIGKILL for the postmaster and all its backends, as a crash would; {@link #start()} then runs crash
     * recovery. Committed transactions survive (synchronous_commit is on).
     */
    public synchronized void kill() {
        EmbeddedPostgres running = postgres;
        if (running == null) {
            return;
        }
        postmasterPid().ifPresent(postmaster -> {
            List<ProcessHandle> tree = postmaster.descendants().toList();
            postmaster.destroyForcibly();
            tree.forEach(ProcessHandle::destroyForcibly);
            awaitExit(postmaster);
            tree.forEach(PostgresServer::awaitExit);
        });
        try {
            // Without the stale pid file zonky's pg_ctl stop below finds nothing to signal, rather than
            // signalling whatever process may have been given the dead postmaster's pid.
            Files.deleteIfExists(dir.resolve("data").resolve("postmaster.pid"));
        } catch (IOException e) {
            LOG.debug("Could not delete postmaster.pid", e);
        }
        try {
            // Releases zonky's lock on the data directory. Its pg_ctl stop fails, as it must; zonky would log
            // that as an error, which reads like a real failure in the log of a deliberate crash test.
            Logging.silenced(EmbeddedPostgres.class.getName(), running::close);
        } catch (IOException e) {
            LOG.debug("Closing a killed PostgreSQL", e);
        } finally {
            postgres = null;
            shutdownHook.remove();
        }
    }

    public synchronized void restart() {
        if (isExternal()) {
            throw new IllegalStateException("an external PostgreSQL (" + externalJdbcUrl + ") is not ours to restart");
        }
        stop();
        start();
    }

    @Override
    public void close() {
        stop();
    }

    private void createRoleAndDatabase() throws SQLException {
        String adminUrl = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
        try (Connection c = DriverManager.getConnection(adminUrl, SUPERUSER, "");
             Statement s = c.createStatement()) {
            if (!exists(c, "SELECT 1 FROM pg_roles WHERE rolname = ?", user)) {
                s.execute("CREATE ROLE " + user + " LOGIN PASSWORD '" + password.replace("'", "''") + "'");
            }
            if (!exists(c, "SELECT 1 FROM pg_database WHERE datname = ?", database)) {
                s.execute("CREATE DATABASE " + database + " OWNER " + user);
            }
        }
    }

    private static boolean exists(Connection c, String sql, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private void checkReachable() {
        try (Connection c = connect()) {
            c.isValid(5);
        } catch (SQLException e) {
            throw new IllegalStateException("external PostgreSQL at " + externalJdbcUrl + " is not reachable", e);
        }
    }

    /**
     * PostgreSQL refuses to run as root. zonky then runs it in a user namespace, which some containers
     * forbid; initdb's own complaint would be buried in the log, so say it here.
     */
    private static void checkNotPlainRoot() {
        if (!System.getProperty("os.name", "").startsWith("Linux") || LinuxUtils.isUnshareAvailable()) {
            return;
        }
        if (new com.sun.security.auth.module.UnixSystem().getUid() == 0) {
            throw new IllegalStateException("embedded PostgreSQL cannot run as root where user namespaces"
                    + " (unshare -U) are unavailable: run as another user, or use an external PostgreSQL"
                    + " (STYLEFARM_JDBC_URL / -Dstylefarm.jdbc.url)");
        }
    }

    /**
     * A postmaster left running by a JVM that died without stopping it blocks the next start. It is ours
     * to stop only if no live process holds zonky's lock on the data directory.
     */
    private static void stopLeftover(Path data) throws IOException {
        Optional<ProcessHandle> leftover = postmasterOf(data);
        if (leftover.isEmpty()) {
            return;
        }
        try (FileOutputStream out = new FileOutputStream(data.resolve("epg-lock").toFile());
             FileLock lock = out.getChannel().tryLock()) {
            if (lock == null) {
                throw new IllegalStateException("PostgreSQL data directory " + data + " is in use by another process");
            }
            ProcessHandle postmaster = leftover.get();
            LOG.warn("Stopping leftover PostgreSQL, pid {}", postmaster.pid());
            // SIGINT is PostgreSQL's fast shutdown; ProcessHandle can only send SIGTERM (smart shutdown,
            // which waits for every client) or SIGKILL.
            try {
                new ProcessBuilder("kill", "-INT", Long.toString(postmaster.pid())).start().waitFor();
                postmaster.onExit().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                postmaster.descendants().forEach(ProcessHandle::destroyForcibly);
                postmaster.destroyForcibly();
                awaitExit(postmaster);
            }
        }
    }

    private Optional<ProcessHandle> postmasterPid() {
        return postgres == null ? Optional.empty() : postmasterOf(dir.resolve("data"));
    }

    /** The live postmaster named by the first line of {@code postmaster.pid}, if any. */
    private static Optional<ProcessHandle> postmasterOf(Path data) {
        Path pidFile = data.resolve("postmaster.pid");
        try {
            List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
            if (lines.isEmpty()) {
                return Optional.empty();
            }
            return ProcessHandle.of(Long.parseLong(lines.get(0).trim()))
                    .filter(ProcessHandle::isAlive)
                    .filter(h -> h.info().command().map(c -> c.endsWith("postgres")).orElse(true));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static void awaitExit(ProcessHandle process) {
        try {
            process.onExit().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("Process {} still alive after SIGKILL", process.pid());
        }
    }

    private void stopQuietly() {
        try {
            stop();
        } catch (RuntimeException e) {
            LOG.warn("Could not stop PostgreSQL after a failed start", e);
        }
    }

    private static String checkIdentifier(String name) {
        if (name == null || !IDENTIFIER.matcher(name).matches()) {
            throw new IllegalArgumentException("not a plain lower-case SQL identifier: " + name);
        }
        return name;
    }

    @Override
    public String toString() {
        return "PostgresServer[" + jdbcUrl() + (isExternal() ? ", external" : ", " + dir) + "]";
    }
}
