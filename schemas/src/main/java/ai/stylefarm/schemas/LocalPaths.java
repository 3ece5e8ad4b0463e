package ai.stylefarm.schemas;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Text that reaches a tenant (a problem's detail, a task's failure reason) keeps the host's file system out: a
 * library's message about a temporary file would otherwise show where a service keeps its work, its user and its
 * layout. Paths under the temporary, working and home directories become {@code <file>}.
 */
public final class LocalPaths {
    private static final String HIDDEN = "<file>";
    private static final Pattern PATHS = pattern();

    private LocalPaths() {
    }

    public static String hide(String text) {
        return text == null ? null : PATHS.matcher(text).replaceAll(Matcher.quoteReplacement(HIDDEN));
    }

    private static Pattern pattern() {
        Set<String> roots = new LinkedHashSet<>();
        for (String property : List.of("java.io.tmpdir", "user.dir", "user.home")) {
            String value = System.getProperty(property);
            if (value != null && value.length() > 1) {
                roots.add(Path.of(value).toAbsolutePath().normalize().toString());
            }
        }
        roots.add("/tmp");
        StringBuilder alternatives = new StringBuilder();
        roots.stream().sorted((a, b) -> b.length() - a.length())
                .forEach(root -> alternatives.append(alternatives.length() == 0 ? "" : "|").append(Pattern.quote(root)));
        return Pattern.compile("(?:" + alternatives + ")(?=/|\\b|$)[^\\s'\"`,;()\\[\\]]*");
    }
}
