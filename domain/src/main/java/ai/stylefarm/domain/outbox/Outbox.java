package ai.stylefarm.domain.outbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The transactional outbox: messages written in the same transaction as the state they announce, published later
 * by a relay. A crash between the send and {@link Batch#markPublished()} publishes a row twice, which consumers
 * absorb (they key on the job id).
 */
public class Outbox {
    private final DataSource db;

    public Outbox(DataSource db) {
        this.db = db;
    }

    /** One message waiting to be published. */
    public record Message(long id, String topic, String key, byte[] payload) {
    }

    /** Adds a message inside the caller's transaction. */
    public static void enqueue(Connection c, String topic, String key, byte[] payload) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO outbox (topic, key, payload) VALUES (?, ?, ?)")) {
            s.setString(1, topic);
            s.setString(2, key);
            s.setBytes(3, payload);
            s.executeUpdate();
        }
    }

    /**
     * Locks up to {@code limit} unpublished messages, in id order, skipping those another relay holds. The batch's
     * transaction stays open until it is marked published or closed (which releases them for the next try).
     */
    public Batch lockUnpublished(int limit) throws SQLException {
        Connection c = db.getConnection();
        try {
            c.setAutoCommit(false);
            List<Message> messages = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT id, topic, key, payload FROM outbox"
                    + " WHERE published_at IS NULL ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED")) {
                s.setInt(1, limit);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        messages.add(new Message(r.getLong(1), r.getString(2), r.getString(3), r.getBytes(4)));
                    }
                }
            }
            return new Batch(c, messages);
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** Messages held by one open transaction. */
    public static final class Batch implements AutoCloseable {
        private final Connection c;
        private final List<Message> messages;
        private boolean done;

        private Batch(Connection c, List<Message> messages) {
            this.c = c;
            this.messages = List.copyOf(messages);
        }

        public List<Message> messages() {
            return messages;
        }

        /** Marks every message of the batch published and commits. */
        public void markPublished() throws SQLException {
            try (PreparedStatement s = c.prepareStatement("UPDATE outbox SET published_at = now() WHERE id = ANY (?)")) {
                s.setArray(1, c.createArrayOf("bigint", messages.stream().map(Message::id).toArray()));
                s.executeUpdate();
            }
            c.commit();
            done = true;
        }

        /** Releases the messages unpublished unless {@link #markPublished()} committed. */
        @Override
        public void close() throws SQLException {
            try {
                if (!done) {
                    c.rollback();
                }
            } finally {
                c.close();
            }
        }
    }
}
