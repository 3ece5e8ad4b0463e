package ai.stylefarm.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.util.Iterator;
import java.util.List;

/** Reading the fields of a REST job spec, each problem named by its field; shared by the kinds' spec records. */
final class SpecFields {
    private SpecFields() {
    }

    /** Whether {@code spec} is an object, and an error for every field not in {@code known}. */
    static boolean object(JsonNode spec, List<String> known, List<ValidationError> errors) {
        if (spec == null || !spec.isObject()) {
            errors.add(new ValidationError("spec", "must be a JSON object"));
            return false;
        }
        for (Iterator<String> names = spec.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                errors.add(new ValidationError(name, "unknown field; known fields are " + String.join(", ", known)));
            }
        }
        return true;
    }

    /** ψ beyond ±10 only renders noise, and past float range it renders NaN: a typo, not a request. */
    static final double MAX_ABS_PSI = 10;

    static double psi(JsonNode node, List<ValidationError> errors) {
        if (absent(node)) {
            return 1.0;
        }
        if (!node.isNumber() || !(Math.abs(node.doubleValue()) <= MAX_ABS_PSI)) {
            errors.add(new ValidationError("truncation_psi", "must be a number from -" + (int) MAX_ABS_PSI + " to "
                    + (int) MAX_ABS_PSI + " (1 is no truncation)"));
            return Double.NaN;
        }
        return node.doubleValue();
    }

    /** Whether {@code node} is an integer from {@code min} to {@code max}, compared exactly (2^70 does not wrap). */
    static boolean integerIn(JsonNode node, long min, long max) {
        return node != null && node.isIntegralNumber() && node.bigIntegerValue().compareTo(BigInteger.valueOf(min)) >= 0
                && node.bigIntegerValue().compareTo(BigInteger.valueOf(max)) <= 0;
    }

    static Integer index(JsonNode spec, String field, List<ValidationError> errors) {
        JsonNode node = spec.get(field);
        if (absent(node)) {
            return null;
        }
        if (!node.isIntegralNumber() || node.bigIntegerValue().signum() < 0
                || node.bigIntegerValue().compareTo(BigInteger.valueOf(Integer.MAX_VALUE)) > 0) {
            errors.add(new ValidationError(field, "must be a non-negative integer or null"));
            return null;
        }
        return node.intValue();
    }

    static Integer bounded(JsonNode spec, String field, int min, int max, List<ValidationError> errors) {
        JsonNode node = spec.get(field);
        if (absent(node)) {
            return null;
        }
        if (!node.isIntegralNumber() || node.bigIntegerValue().compareTo(BigInteger.valueOf(min)) < 0
                || node.bigIntegerValue().compareTo(BigInteger.valueOf(max)) > 0) {
            errors.add(new ValidationError(field, "must be an integer from " + min + " to " + max));
            return null;
        }
        return node.intValue();
    }

    static Boolean flag(JsonNode spec, String field, List<ValidationError> errors) {
        JsonNode node = spec.get(field);
        if (absent(node)) {
            return null;
        }
        if (!node.isBoolean()) {
            errors.add(new ValidationError(field, "must be true or false"));
            return null;
        }
        return node.booleanValue();
    }

    static <E extends Enum<E>> E choice(JsonNode spec, String field, Class<E> type, E fallback,
            List<ValidationError> errors) {
        JsonNode node = spec.get(field);
        if (absent(node)) {
            return fallback;
        }
        try {
            if (node.isTextual()) {
                return Wire.parse(type, node.textValue());
            }
            errors.add(new ValidationError(field, "must be one of " + Wire.values(type)));
        } catch (IllegalArgumentException e) {
            errors.add(new ValidationError(field, e.getMessage()));
        }
        return null;
    }

    static boolean absent(JsonNode node) {
        return node == null || node.isNull();
    }
}
