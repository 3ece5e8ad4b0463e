package ai.stylefarm.domain.kinds;

import ai.stylefarm.schemas.Messages;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Specs as the farm stores them: the normalised record, as JSON. */
final class Json {
    private Json() {
    }

    static ObjectNode tree(Object spec) {
        return Messages.mapper().valueToTree(spec);
    }

    static String text(Object spec) {
        try {
            return Messages.mapper().writeValueAsString(spec);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
