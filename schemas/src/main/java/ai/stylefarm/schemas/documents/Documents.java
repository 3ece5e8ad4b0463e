package ai.stylefarm.schemas.documents;

import ai.stylefarm.schemas.JobKind;
import ai.stylefarm.schemas.Messages;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The codec for the JSON documents the farm keeps in the bucket: manifest lines, {@code metrics.json} and
 * {@code report.json}. Written compact (a manifest line is one line), read strictly, as messages are: a document
 * with a field its record does not know is refused rather than half-read.
 */
public final class Documents {
    private static final ObjectMapper JSON = Messages.mapper();

    private Documents() {
    }

    /** One compact line, without the line break. */
    public static String line(Object document) {
        try {
            return JSON.writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a " + document.getClass().getSimpleName() + " cannot be written", e);
        }
    }

    public static byte[] bytes(Object document) {
        return line(document).getBytes(StandardCharsets.UTF_8);
    }

    /** Indented, for the documents people open ({@code report.json}). */
    public static byte[] pretty(Object document) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a " + document.getClass().getSimpleName() + " cannot be written", e);
        }
    }

    /** @throws InvalidDocumentException naming the document type when the text is not one */
    public static <T> T read(byte[] json, Class<T> type) {
        try {
            return JSON.readValue(json, type);
        } catch (IOException e) {
            throw new InvalidDocumentException(type, e);
        }
    }

    public static <T> T read(String json, Class<T> type) {
        return read(json.getBytes(StandardCharsets.UTF_8), type);
    }

    /** A line of a job's {@code manifest.jsonl} (or of a task's part), as the job's kind writes it. */
    public static ManifestLine manifestLine(JobKind kind, String json) {
        return switch (kind) {
            case GENERATE -> read(json, ImageLine.class);
            case STYLE_MIX -> read(json, StyleMixLine.class);
            case INTERPOLATE -> tree(json).has("segment") ? read(json, SegmentLine.class) : read(json, FrameLine.class);
            case PROJECT, CALIBRATE -> read(json, TargetMetrics.class);
        };
    }

    private static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new InvalidDocumentException(ManifestLine.class, e);
        }
    }

    /** A stored document that is not what its key promises. */
    public static final class InvalidDocumentException extends UncheckedIOException {
        InvalidDocumentException(Class<?> type, IOException cause) {
            super("not a valid " + type.getSimpleName() + ": " + (cause instanceof JsonProcessingException j
                    ? j.getOriginalMessage() : cause.getMessage()), cause);
        }
    }
}
