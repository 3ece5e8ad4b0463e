package ai.stylefarm.gateway.auth;

import ai.stylefarm.domain.keys.Role;
import java.util.UUID;

/** Who sent a request: resolved from its API key by {@link ApiKeyFilter}. */
public record Caller(UUID keyId, String tenant, Role role) {

    public boolean isAdmin() {
        return role == Role.ADMIN;
    }

    /** Whether this caller may see what belongs to {@code owner}: its own tenant's, or anything for an admin. */
    public boolean maySee(String owner) {
        return isAdmin() || tenant.equals(owner);
    }
}
