package ai.stylefarm.gateway.api;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Checks a request target (path and query) strictly before anything routes or decodes it: the path may hold only
 * what RFC 3986 allows, every percent escape must be complete and decode to UTF-8, and nothing may decode to a
 * control character. The problem names the part at fault: {@code path}, or the query parameter.
 */
final class RequestTarget {
    /** RFC 3986 pchar without percent escapes, plus '/'. */
    private static final String PATH_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@/";

    private RequestTarget() {
    }

    static Problem refusal(String uri) {
        String target = uri;
        int scheme = target.indexOf("://");
        if (scheme > 0 && target.indexOf('/') > scheme) {
            // absolute-form: only the path and query matter here.
            int path = target.indexOf('/', scheme + 3);
            target = path < 0 ? "/" : target.substring(path);
        }
        if (target.equals("*")) {
            return null;
        }
        int question = target.indexOf('?');
        String path = question < 0 ? target : target.substring(0, question);
        String query = question < 0 ? null : target.substring(question + 1);
        for (int i = 0; i < path.length(); i++) {
            char ch = path.charAt(i);
            if (ch != '%' && PATH_CHARS.indexOf(ch) < 0) {
                return bad("path", "the path holds " + describe(ch) + ", which a URL path cannot; percent-encode it");
            }
        }
        String decodedPath = decode(path, false);
        if (decodedPath == null) {
            return bad("path", "the path holds an incomplete percent escape or one that is not UTF-8");
        }
        String unsafe = InputText.problem(decodedPath);
        if (unsafe != null) {
            return bad("path", "the path " + unsafe);
        }
        if (query == null || query.isEmpty()) {
            return null;
        }
        for (String pair : query.split("&", -1)) {
            int eq = pair.indexOf('=');
            String rawName = eq < 0 ? pair : pair.substring(0, eq);
            String name = decode(rawName, true);
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1), true);
            String field = name == null || InputText.firstUnsafe(name) >= 0 ? "query" : name;
            if (name == null || value == null) {
                return bad(field, "query parameter '" + printable(rawName) + "' holds an incomplete percent escape"
                        + " or one that is not UTF-8");
            }
            if (InputText.firstUnsafe(name) >= 0) {
                return bad("query", "a query parameter name " + InputText.problem(name));
            }
            String valueProblem = InputText.problem(value);
            if (valueProblem != null) {
                return bad(field, "query parameter " + name + " " + valueProblem);
            }
        }
        return null;
    }

    /** The path of a target, for logs: never its query, which may hold anything. */
    static String pathOf(String uri) {
        int question = uri.indexOf('?');
        String path = question < 0 ? uri : uri.substring(0, question);
        return printable(path.length() > 200 ? path.substring(0, 200) + "…" : path);
    }

    /** Strict percent-decoding; {@code plusIsSpace} for queries. Null when an escape is incomplete or not UTF-8. */
    private static String decode(String text, boolean plusIsSpace) {
        if (text.indexOf('%') < 0) {
            return plusIsSpace ? text.replace('+', ' ') : text;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch == '%') {
                if (i + 2 >= text.length()) {
                    return null;
                }
                int hi = Character.digit(text.charAt(i + 1), 16);
                int lo = Character.digit(text.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                bytes.write(hi * 16 + lo);
                i += 2;
            } else if (plusIsSpace && ch == '+') {
                bytes.write(' ');
            } else {
                byte[] utf8 = String.valueOf(ch).getBytes(StandardCharsets.UTF_8);
                bytes.write(utf8, 0, utf8.length);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static String describe(char ch) {
        return ch >= 0x21 && ch < 0x7f ? "'" + ch + "'" : String.format("U+%04X", (int) ch);
    }

    private static String printable(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.chars().forEach(c -> out.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : String.format("\\u%04x", c)));
        return out.toString();
    }

    private static Problem bad(String field, String detail) {
        return new Problem("about:blank", "Bad Request", 400, detail, field, null);
    }
}
