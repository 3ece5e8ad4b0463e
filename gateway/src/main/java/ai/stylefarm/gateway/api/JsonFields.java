package ai.stylefarm.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.util.Iterator;
import java.util.Set;

/** Reading the fields of small JSON bodies (tenants, keys), each problem a 422 naming its field. */
final class JsonFields {
    private JsonFields() {
    }

    /** Refuses any field not in {@code known}. */
    static void only(JsonNode json, Set<String> known) {
        only(json, known, "");
    }

    /** Refuses any field not in {@code known}, naming it under {@code prefix} ({@code "random_init."}). */
    static void only(JsonNode json, Set<String> known, String prefix) {
        for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                throw ApiException.invalid(prefix + name, "unknown field; known fields are "
                        + new java.util.TreeSet<>(known));
            }
        }
    }

    /** An integer from {@code min} to {@code max}, compared exactly; {@code fallback} when absent or null. */
    static int integer(JsonNode json, String field, int min, int max, int fallback) {
        JsonNode node = json.get(field);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!inRange(node, min, max)) {
            throw ApiException.invalid(field, "must be an integer from " + min + " to " + max);
        }
        return node.intValue();
    }

    /** Like {@link #integer}, but an explicit null clears the setting: returns null then, {@code current} if absent. */
    static Integer clearableInteger(JsonNode json, String field, int min, int max, Integer current) {
        JsonNode node = json.get(field);
        if (node == null) {
            return current;
        }
        if (node.isNull()) {
            return null;
        }
        if (!inRange(node, min, max)) {
            throw ApiException.invalid(field, "must be an integer from " + min + " to " + max + ", or null");
        }
        return node.intValue();
    }

    static Boolean bool(JsonNode json, String field) {
        JsonNode node = json.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isBoolean()) {
            throw ApiException.invalid(field, "must be true or false");
        }
        return node.booleanValue();
    }

    /** Text of at most {@code maxLength} characters (already free of control characters: see JsonBodies). */
    static String text(JsonNode json, String field, int maxLength, String fallback) {
        JsonNode node = json.get(field);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isTextual() || node.textValue().isBlank() || node.textValue().length() > maxLength) {
            throw ApiException.invalid(field, "must be text of 1 to " + maxLength + " characters");
        }
        return node.textValue().strip();
    }

    private static boolean inRange(JsonNode node, long min, long max) {
        return node.isIntegralNumber() && node.bigIntegerValue().compareTo(BigInteger.valueOf(min)) >= 0
                && node.bigIntegerValue().compareTo(BigInteger.valueOf(max)) <= 0;
    }
}
