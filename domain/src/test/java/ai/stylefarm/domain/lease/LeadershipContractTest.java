package ai.stylefarm.domain.lease;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stylefarm.domain.testing.TestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The active/standby lease on real PostgreSQL: one holder per role, taken over when the holder goes. */
class LeadershipContractTest {
    private DataSource db;

    @BeforeEach
    void freshDatabase() {
        db = TestDatabase.fresh();
    }

    @Test
    void oneHolderPerRoleAndEachRoleHasItsOwn() {
        try (Leadership a = new Leadership(db, "scheduler", "a"); Leadership b = new Leadership(db, "scheduler", "b");
             Leadership relay = new Leadership(db, "outbox-relay", "b")) {
            assertTrue(a.holds());
            assertFalse(b.holds(), "a standby while the first holds it");
            assertTrue(a.holds(), "the holder keeps it");
            assertTrue(relay.holds(), "another role is another lock");
        }
    }

    @Test
    void aStandbyTakesOverWhenTheHolderStepsDown() {
        try (Leadership a = new Leadership(db, "scheduler", "a"); Leadership b = new Leadership(db, "scheduler", "b")) {
            assertTrue(a.holds());
            assertFalse(b.holds());
            a.close();
            assertTrue(b.holds());
            assertFalse(a.holds(), "the old holder is now the standby");
        }
    }

    @Test
    void aHolderWhoseConnectionDiesStopsLeadingAndTheStandbyTakesOver() throws Exception {
        try (Leadership a = new Leadership(db, "scheduler", "a"); Leadership b = new Leadership(db, "scheduler", "b")) {
            assertTrue(a.holds());
            // What a crashed process or a restarted database does to the holder's session.
            try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
                s.execute("SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND classid = "
                        + Leadership.KEY_SPACE);
            }
            assertTrue(b.holds(), "the lock went with the session");
            assertFalse(a.holds(), "the old holder notices and does not lead");
        }
    }
}
