package ai.stylefarm.schemas;

/**
 * A Kafka message that is not valid JSON, breaks its schema or cannot be bound to its record. Unchecked so that
 * it passes through consumer callbacks; a consumer catches it and dead-letters the record with
 * {@link #getMessage()} as {@link DlqHeaders#REASON}.
 */
public class MessageValidationException extends RuntimeException {
    private final String schema;

    public MessageValidationException(String schema, String reason, Throwable cause) {
        super(schema + ": " + reason, cause);
        this.schema = schema;
    }

    /** The schema id the document was checked against, e.g. {@code stylefarm.job.v1}. */
    public String schema() {
        return schema;
    }
}
