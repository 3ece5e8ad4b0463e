package ai.stylefarm.schemas;

import java.util.Set;

/** State names as SQL literals: the only place they are quoted, so a renamed state cannot leave a query behind. */
final class StateSql {
    private StateSql() {
    }

    static String literal(Enum<?> state) {
        return "'" + state.name() + "'";
    }

    static String list(Set<? extends Enum<?>> states) {
        StringBuilder sql = new StringBuilder("(");
        for (Enum<?> state : states) {
            sql.append(sql.length() == 1 ? "" : ", ").append(literal(state));
        }
        return sql.append(')').toString();
    }
}
