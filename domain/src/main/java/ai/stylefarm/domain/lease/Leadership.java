package ai.stylefarm.domain.lease;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One active holder of a role (the scheduler's duties, the outbox relay) among any number of processes: a
 * session-level PostgreSQL advisory lock, held on a connection of its own for as long as the holder lives. When the
 * holder dies its connection closes and PostgreSQL frees the lock at once, so a standby that asks on its next tick
 * takes over within a tick; when the holder loses the database (restart, cut link) {@link #holds()} finds the
 * connection dead and reports false, so it stops acting before anyone else can start. Every state write is still a
 * compare-and-set, so the short overlap a partition can cause does no harm; leadership only keeps two schedulers
 * from doing the same work twice and two relays from interleaving their batches.
 */
public final class Leadership implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Leadership.class.getName());
    /** The first of the two 32-bit advisory-lock keys: this class's key space. */
    static final int KEY_SPACE = 0x5f1ead;
    private static final int VALIDATE_SECONDS = 2;

    private final DataSource db;
    private final String role;
    private final String holder;
    private Connection connection;

    /**
     * @param role   what is led, such as {@code scheduler} or {@code outbox-relay}
     * @param holder this process, for the log
     */
    public Leadership(DataSource db, String role, String holder) {
        this.db = db;
        this.role = role;
        this.holder = holder;
    }

    /**
     * Whether this process leads now: keeps the lock it holds, or tries to take it. Cheap enough to ask on every
     * tick (one round trip); never throws, since an unreachable database simply means "not the leader".
     */
    public synchronized boolean holds() {
        if (connection != null) {
            if (alive()) {
                return true;
            }
            LOG.warning(holder + " lost the " + role + " lease (its database connection is gone)");
            drop();
        }
        try {
            Connection c = db.getConnection();
            c.setAutoCommit(true);
            try (PreparedStatement s = c.prepareStatement("SELECT pg_try_advisory_lock(?, hashtext(?))")) {
                s.setInt(1, KEY_SPACE);
                s.setString(2, role);
                try (ResultSet r = s.executeQuery()) {
                    if (r.next() && r.getBoolean(1)) {
                        connection = c;
                        LOG.info(holder + " leads " + role);
                        return true;
                    }
                }
            }
            c.close();
        } catch (SQLException e) {
            LOG.log(Level.FINE, holder + " could not ask for the " + role + " lease", e);
        }
        return false;
    }

    /** Whether it held the role at the last {@link #holds()}, without asking the database: for gauges. */
    public synchronized boolean held() {
        return connection != null;
    }

    private boolean alive() {
        try {
            return connection.isValid(VALIDATE_SECONDS);
        } catch (SQLException e) {
            return false;
        }
    }

    private void drop() {
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.log(Level.FINE, "closing a dead lease connection", e);
        }
        connection = null;
    }

    /** Gives the role up at once (closing the connection frees the lock), so a standby takes over on its next tick. */
    @Override
    public synchronized void close() {
        if (connection != null) {
            drop();
            LOG.info(holder + " stepped down from " + role);
        }
    }
}
