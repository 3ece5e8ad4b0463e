package ai.stylefarm.schemas;

import java.util.EnumSet;
import java.util.Set;

/**
 * A job's life cycle. The scheduler writes state changes by compare-and-set and only along
 * {@link #canTransitionTo}; the wire and {@code jobs.state} value is {@link #name()}.
 */
public enum JobState {
    QUEUED, PLANNED, RUNNING, SUCCEEDED, FAILED, CANCELLED;

    /** The states this one may move to; empty for terminal states. */
    public Set<JobState> successors() {
        return switch (this) {
            // FAILED before RUNNING covers a spec or model that turns out unusable while planning.
            case QUEUED -> EnumSet.of(PLANNED, CANCELLED, FAILED);
            case PLANNED -> EnumSet.of(RUNNING, CANCELLED, FAILED);
            case RUNNING -> EnumSet.of(SUCCEEDED, FAILED, CANCELLED);
            case SUCCEEDED, FAILED, CANCELLED -> EnumSet.noneOf(JobState.class);
        };
    }

    public boolean canTransitionTo(JobState next) {
        return successors().contains(next);
    }

    public boolean isTerminal() {
        return successors().isEmpty();
    }

    /** The live (not terminal) states as an SQL list, {@code ('QUEUED', 'PLANNED', 'RUNNING')}, for {@code state IN}. */
    public static String liveSql() {
        return sqlList(EnumSet.complementOf(terminal()));
    }

    /** The terminal states as an SQL list, for {@code state IN}. */
    public static String terminalSql() {
        return sqlList(terminal());
    }

    private static EnumSet<JobState> terminal() {
        EnumSet<JobState> terminal = EnumSet.noneOf(JobState.class);
        for (JobState state : values()) {
            if (state.isTerminal()) {
                terminal.add(state);
            }
        }
        return terminal;
    }

    private static String sqlList(Set<JobState> states) {
        StringBuilder sql = new StringBuilder("(");
        for (JobState state : states) {
            sql.append(sql.length() == 1 ? "" : ", ").append('\'').append(state.name()).append('\'');
        }
        return sql.append(')').toString();
    }
}
