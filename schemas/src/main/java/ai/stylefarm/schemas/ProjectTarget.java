package ai.stylefarm.schemas;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * An image to project: an {@code upload} (POST /v1/uploads), or the PNG/JPEG artifact {@code key} of an earlier
 * {@code job}. The gateway resolves an upload to its object {@code key} and a display {@code name} before the job
 * is stored, so planners and workers only ever read keys.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProjectTarget(UUID upload, UUID job, String key, String name) {
    private static final Pattern IMAGE_KEY = Pattern.compile("[A-Za-z0-9._/-]+\\.(png|jpg|jpeg)");
    /** Keys and names travel in every task message, whose schema caps them. */
    public static final int MAX_LENGTH = 1024;

    /** With the object key and name the gateway found. */
    public ProjectTarget resolved(String objectKey, String displayName) {
        return new ProjectTarget(upload, job, objectKey, displayName);
    }

    /** The object key to read; set for artifacts by the user and for uploads by the gateway. */
    @JsonIgnore
    public String objectKey() {
        if (key == null) {
            throw new IllegalStateException("target " + this + " was not resolved to an object key");
        }
        return key;
    }

    static ProjectTarget read(JsonNode node, String field, List<ValidationError> errors) {
        if (node == null || !node.isObject()) {
            errors.add(new ValidationError(field, "must be {\"upload\": id} or {\"job\": id, \"key\": artifact key}"));
            return null;
        }
        List<String> known = List.of("upload", "job", "key", "name");
        for (var names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                errors.add(new ValidationError(field + "." + name, "unknown field; a target has upload, or job and key"));
            }
        }
        UUID upload = uuid(node.get("upload"), field + ".upload", errors);
        UUID job = uuid(node.get("job"), field + ".job", errors);
        String key = text(node.get("key"), field + ".key", errors);
        String name = text(node.get("name"), field + ".name", errors);
        if ((upload == null) == (job == null)) {
            errors.add(new ValidationError(field, "give exactly one of upload or job (with key)"));
            return null;
        }
        if (job != null) {
            if (key == null || key.length() > MAX_LENGTH || !key.startsWith(ObjectKeys.job(job)) || key.contains("..")
                    || !IMAGE_KEY.matcher(key).matches()) {
                errors.add(new ValidationError(field + ".key", "must be a .png or .jpg artifact of job " + job
                        + " (a key starting " + ObjectKeys.job(job) + ")"));
                return null;
            }
            return new ProjectTarget(null, job, key, name != null ? name : key);
        }
        return new ProjectTarget(upload, null, key, name);
    }

    /** A file name as reports show it: at most {@link #MAX_LENGTH} characters. */
    public static String displayName(String name) {
        return name == null || name.length() <= MAX_LENGTH ? name : name.substring(0, MAX_LENGTH);
    }

    private static String text(JsonNode node, String field, List<ValidationError> errors) {
        if (SpecFields.absent(node)) {
            return null;
        }
        if (!node.isTextual() || node.textValue().length() > MAX_LENGTH) {
            errors.add(new ValidationError(field, "must be a string of at most " + MAX_LENGTH + " characters"));
            return null;
        }
        return node.textValue();
    }

    private static UUID uuid(JsonNode node, String field, List<ValidationError> errors) {
        if (SpecFields.absent(node)) {
            return null;
        }
        try {
            return UUID.fromString(node.asText());
        } catch (IllegalArgumentException e) {
            errors.add(new ValidationError(field, "must be a UUID"));
            return null;
        }
    }
}
