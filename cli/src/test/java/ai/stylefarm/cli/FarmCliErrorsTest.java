package ai.stylefarm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A user's mistake gets one readable line and a non-zero exit, never a stack trace or the whole usage. */
class FarmCliErrorsTest {

    @Test
    void aMalformedOptionIsOneLineThatNamesItAndPointsAtHelp() {
        CliRun r = CliRun.of("generate", "--model", "m", "--seeds", "0", "--trunc", "abc");
        assertEquals(2, r.exit());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("--trunc") && r.err().contains("farm generate --help"), r.err());
        assertFalse(r.err().contains("Usage:"), r.err());
    }

    @Test
    void theQuickCommandsAnswerAsTheWholeTreeDoes() {
        CliRun help = CliRun.asMain("jobs", "--help");
        assertEquals(0, help.exit(), help.err());
        assertTrue(help.out().contains("Usage: farm jobs"), help.out());
        CliRun wrong = CliRun.asMain("job", "6f1c", "--bogus");
        assertEquals(2, wrong.exit());
        assertEquals(1, wrong.err().strip().lines().count(), wrong.err());
        assertTrue(wrong.err().contains("--bogus") && wrong.err().contains("farm job --help"), wrong.err());
        CliRun notAnId = CliRun.asMain("job", "not-hex", "--gateway", "http://127.0.0.1:1", "--key", "k");
        assertEquals("error: 'not-hex' is not a job id: hex digits, all of an id or its start", notAnId.err().strip());
    }

    @Test
    void groupCommandsAnswerHelp() {
        for (String group : new String[] {"models", "workers"}) {
            CliRun r = CliRun.of(group, "--help");
            assertEquals(0, r.exit(), group + ": " + r.err());
            assertTrue(r.out().contains("Usage: farm " + group), r.out());
        }
    }

    @Test
    void aMissingFileIsNamedWithoutItsExceptionsClass() {
        CliRun r = CliRun.of("models", "import", "/nonexistent/network-snapshot.pkl", "--out", "/tmp/never-written");
        assertTrue(r.exit() != 0);
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("/nonexistent/network-snapshot.pkl"), r.err());
        assertFalse(r.err().contains("Exception"), r.err());

        CliRun image = CliRun.of("project", "--model", "m", "--gateway", "http://127.0.0.1:1", "--key", "k",
                "/nonexistent/target.png");
        assertEquals(2, image.exit());
        assertEquals("error: no such file: /nonexistent/target.png", image.err().strip());
    }
}
