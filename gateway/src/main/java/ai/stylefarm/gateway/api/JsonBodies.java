package ai.stylefarm.gateway.api;

import ai.stylefarm.gateway.config.GatewayConfig;
import ai.stylefarm.schemas.Messages;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Reads JSON request bodies ourselves rather than through binding, so that a body that is too large, not JSON,
 * or of the wrong shape gets a problem that says exactly that, with the line and column.
 */
@ApplicationScoped
public class JsonBodies {
    private final ObjectMapper mapper = Messages.mapper();
    private final int maxBytes;

    public JsonBodies(GatewayConfig config) {
        this.maxBytes = config.api().maxJsonBytes();
    }

    /** @return a JSON object; 413, 400 or 422 otherwise */
    public JsonNode readObject(InputStream body) {
        byte[] bytes;
        try {
            bytes = body.readNBytes(maxBytes + 1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (bytes.length > maxBytes) {
            throw ApiException.tooLarge("the request body is larger than " + maxBytes + " bytes");
        }
        if (bytes.length == 0) {
            throw ApiException.badRequest("body", "the request body is empty; send a JSON object");
        }
        JsonNode node;
        try {
            node = mapper.readTree(bytes);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() != null
                    ? " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() : "";
            throw ApiException.badRequest("body", "the request body is not valid JSON" + where + ": "
                    + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (node == null || !node.isObject()) {
            throw ApiException.badRequest("body", "the request body must be a JSON object");
        }
        checkValues(node, "");
        return node;
    }

    /**
     * Every string (and field name) must be text we can store and show, and every number finite: a number past
     * the range of a double parses as infinity, which no field takes and JSON cannot write back.
     */
    private static void checkValues(JsonNode node, String path) {
        if (node.isTextual()) {
            String problem = InputText.problem(node.textValue());
            if (problem != null) {
                throw ApiException.invalid(name(path), "the text " + problem);
            }
        } else if (node.isFloatingPointNumber() && !Double.isFinite(node.doubleValue())) {
            throw ApiException.invalid(name(path), "the number is out of range");
        } else if (node.isObject()) {
            for (var fields = node.fields(); fields.hasNext(); ) {
                var field = fields.next();
                String child = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
                if (InputText.firstUnsafe(field.getKey()) >= 0) {
                    throw ApiException.invalid(name(path), "a field name " + InputText.problem(field.getKey()));
                }
                checkValues(field.getValue(), child);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                checkValues(node.get(i), path + "[" + i + "]");
            }
        }
    }

    private static String name(String path) {
        return path.isEmpty() ? "body" : path;
    }
}
