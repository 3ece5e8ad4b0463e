package ai.stylefarm.gateway.api;

import java.util.UUID;

/** Ids in paths: anything that is not one is a resource that does not exist. */
final class Ids {
    private Ids() {
    }

    /** @param field the path parameter, named by the 404 */
    static UUID uuid(String id, String field, String what) {
        if (id.length() == 36) {
            try {
                return UUID.fromString(id);
            } catch (IllegalArgumentException e) {
                // not an id: reported below
            }
        }
        throw ApiException.notFound(field, what + " " + Problem.quote(id));
    }
}
