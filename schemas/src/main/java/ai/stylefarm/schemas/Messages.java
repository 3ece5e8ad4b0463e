package ai.stylefarm.schemas;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The codec for Kafka messages: one JSON configuration, and a schema check on both sides, so that nothing
 * invalid is produced and nothing invalid reaches a consumer's logic.
 */
public final class Messages {
    /** A dead-letter reason has to fit in a Kafka header and still be read by a person. */
    private static final int MAX_PROBLEMS = 10;

    private static final ObjectMapper MAPPER = configure(JsonMapper.builder().build());

    private static final Map<Class<?>, String> SCHEMA_IDS = Map.of(
            JobMessage.class, JobMessage.SCHEMA,
            TaskMessage.class, TaskMessage.SCHEMA,
            TaskEvent.class, TaskEvent.SCHEMA);

    /** Loaded once, at class initialisation, so that a broken schema fails the service at start. */
    private static final Map<String, JsonSchema> SCHEMAS = loadSchemas();

    private Messages() {
    }

    /** The shared mapper; do not reconfigure it. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /**
     * Applies the message conventions to a mapper the caller owns (e.g. in a Quarkus
     * {@code ObjectMapperCustomizer}): ISO-8601 timestamps, and strict reading (unknown properties, missing
     * primitives and trailing tokens fail rather than pass silently).
     */
    public static <M extends ObjectMapper> M configure(M mapper) {
        mapper.registerModule(new JavaTimeModule());
        mapper.disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        mapper.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        return mapper;
    }

    /**
     * Serialises a message record ({@link JobMessage}, {@link TaskMessage}, {@link TaskEvent}) and checks the
     * result against its schema.
     *
     * @throws MessageValidationException when the record breaks its own schema, a producer bug
     */
    public static byte[] toJson(Object message) {
        String id = schemaId(message.getClass());
        JsonNode tree = MAPPER.valueToTree(message);
        check(id, tree);
        try {
            return MAPPER.writeValueAsBytes(tree);
        } catch (JsonProcessingException e) {
            throw new MessageValidationException(id, "cannot be written: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Reads a message: JSON syntax, then its schema, then binding to {@code type}.
     *
     * @throws MessageValidationException with a reason that names the offending fields
     */
    public static <T> T parse(byte[] json, Class<T> type) {
        String id = schemaId(type);
        if (json == null || json.length == 0) {
            throw new MessageValidationException(id, "empty message", null);
        }
        JsonNode tree;
        try {
            tree = MAPPER.readTree(json);
        } catch (IOException e) {
            throw new MessageValidationException(id, "not valid JSON: " + originalMessage(e), e);
        }
        check(id, tree);
        try {
            return MAPPER.treeToValue(tree, type);
        } catch (IOException | IllegalArgumentException e) {
            // Past the schema, this is a rule the schema cannot express, such as a reversed seed range.
            throw new MessageValidationException(id, "does not bind: " + originalMessage(e), e);
        }
    }

    private static void check(String id, JsonNode tree) {
        Set<ValidationMessage> problems = SCHEMAS.get(id).validate(tree);
        if (!problems.isEmpty()) {
            List<String> messages = problems.stream().map(ValidationMessage::getMessage).sorted().toList();
            String reason = messages.stream().limit(MAX_PROBLEMS).collect(Collectors.joining("; "));
            if (messages.size() > MAX_PROBLEMS) {
                reason += "; and " + (messages.size() - MAX_PROBLEMS) + " more";
            }
            throw new MessageValidationException(id, reason, null);
        }
    }

    private static String schemaId(Class<?> type) {
        String id = SCHEMA_IDS.get(type);
        if (id == null) {
            throw new IllegalArgumentException(type.getName() + " is not a message type; expected one of "
                    + SCHEMA_IDS.keySet().stream().map(Class::getSimpleName).sorted().toList());
        }
        return id;
    }

    /**
     * The innermost message, prefixed by the field path where Jackson knows it. Not anchored at {@code $}: below
     * an external type id (the task spec) Jackson's path starts at the nested object.
     */
    private static String originalMessage(Exception e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : root.getMessage();
        if (message == null) {
            message = root.getClass().getSimpleName();
        }
        if (e instanceof JsonMappingException jme && !jme.getPath().isEmpty()) {
            String path = jme.getPath().stream()
                    .map(r -> r.getFieldName() != null ? "." + r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining());
            return path.substring(path.startsWith(".") ? 1 : 0) + ": " + message;
        }
        JsonLocation at = e instanceof JsonProcessingException jpe ? jpe.getLocation() : null;
        if (at != null && at.getLineNr() > 0) {
            return message + " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
        }
        return message;
    }

    private static Map<String, JsonSchema> loadSchemas() {
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
        // Formats such as date-time are only annotations in 2020-12 unless asserted; JSON paths ($.spec.seeds)
        // read better in a dead-letter reason than pointers (/spec/seeds).
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder()
                .formatAssertionsEnabled(true)
                .pathType(PathType.JSON_PATH)
                .build();
        return SCHEMA_IDS.values().stream().collect(Collectors.toUnmodifiableMap(id -> id, id -> {
            SchemaLocation file = SchemaLocation.of("classpath:schemas/" + id + ".schema.json");
            JsonSchema schema = factory.getSchema(file, config);
            schema.initializeValidators();
            return schema;
        }));
    }
}
