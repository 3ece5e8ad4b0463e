package ai.stylefarm.domain.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stylefarm.domain.store.Transactions;
import ai.stylefarm.domain.testing.TestDatabase;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The transactional outbox on real PostgreSQL: in order, once published, and never to two relays at once. */
class OutboxContractTest {
    private DataSource db;
    private Outbox outbox;

    @BeforeEach
    void freshDatabase() {
        db = TestDatabase.fresh();
        outbox = new Outbox(db);
        Transactions.inTransaction(db, c -> {
            for (int i = 0; i < 5; i++) {
                Outbox.enqueue(c, "jobs", "k" + i, new byte[] {(byte) i});
            }
            return null;
        });
    }

    @Test
    void messagesComeInOrderAndOnlyUntilPublished() throws Exception {
        try (Outbox.Batch batch = outbox.lockUnpublished(3)) {
            assertEquals(List.of("k0", "k1", "k2"), batch.messages().stream().map(Outbox.Message::key).toList());
            batch.markPublished();
        }
        try (Outbox.Batch batch = outbox.lockUnpublished(10)) {
            assertEquals(List.of("k3", "k4"), batch.messages().stream().map(Outbox.Message::key).toList());
            assertEquals(4, batch.messages().get(1).payload()[0]);
        }
    }

    @Test
    void aBatchNotMarkedPublishedIsOfferedAgain() throws Exception {
        try (Outbox.Batch batch = outbox.lockUnpublished(2)) {
            assertEquals(2, batch.messages().size());
        }
        try (Outbox.Batch batch = outbox.lockUnpublished(2)) {
            assertEquals("k0", batch.messages().get(0).key());
        }
    }

    @Test
    void twoRelaysNeverHoldTheSameMessage() throws Exception {
        try (Outbox.Batch first = outbox.lockUnpublished(3); Outbox.Batch second = outbox.lockUnpublished(10)) {
            assertEquals(List.of("k3", "k4"), second.messages().stream().map(Outbox.Message::key).toList());
            first.markPublished();
            second.markPublished();
        }
        try (Outbox.Batch none = outbox.lockUnpublished(10)) {
            assertTrue(none.messages().isEmpty());
        }
    }
}
