package ai.stylefarm.schemas;

/**
 * Headers on a {@link Topics#DLQ} record. The dead-lettered record keeps the original key and value
 * byte for byte (it may not even be JSON), so everything about the failure travels in these UTF-8 headers;
 * the original record's own headers are copied along.
 */
public final class DlqHeaders {
    /** Why the record was rejected, e.g. {@link MessageValidationException#getMessage()}. */
    public static final String REASON = "x-dlq-reason";
    public static final String ORIGIN_TOPIC = "x-dlq-origin-topic";
    /** Decimal partition number. */
    public static final String ORIGIN_PARTITION = "x-dlq-origin-partition";
    /** Decimal offset. */
    public static final String ORIGIN_OFFSET = "x-dlq-origin-offset";
    /** The consumer group (or service) that gave up on the record. */
    public static final String CONSUMER = "x-dlq-consumer";

    private DlqHeaders() {
    }
}
