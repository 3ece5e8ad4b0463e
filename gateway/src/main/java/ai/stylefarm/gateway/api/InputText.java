package ai.stylefarm.gateway.api;

/**
 * What text from a request may hold. Control characters (NUL above all, which PostgreSQL cannot store in text),
 * unpaired surrogates (not encodable as UTF-8) and bidirectional overrides (which make a name read as another) are
 * refused wherever text enters: bodies, paths, queries and headers.
 */
public final class InputText {
    private InputText() {
    }

    /** The index of the first character that no stored or displayed text may hold; -1 when there is none. */
    public static int firstUnsafe(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (Character.isISOControl(ch) || isBidiControl(ch)) {
                return i;
            }
            if (Character.isHighSurrogate(ch)) {
                if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return i;
            }
            if (Character.isLowSurrogate(ch)) {
                return i;
            }
        }
        return -1;
    }

    /** Why {@code text} is unsafe, for a problem's detail; null when it is safe. */
    public static String problem(CharSequence text) {
        int at = firstUnsafe(text);
        if (at < 0) {
            return null;
        }
        return String.format("holds the character U+%04X at position %d; control characters, unpaired surrogates and"
                + " bidirectional overrides are not allowed", (int) text.charAt(at), at);
    }

    private static boolean isBidiControl(char ch) {
        return (ch >= '\u202a' && ch <= '\u202e') || (ch >= '\u2066' && ch <= '\u2069') || ch == '\u200e'
                || ch == '\u200f' || ch == '\u061c';
    }
}
