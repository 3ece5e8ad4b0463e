package ai.stylefarm.gateway.auth;

import java.util.UUID;

/** Who sent a request: resolved from its API key by {@link ApiKeyFilter}. */
public record Caller(UUID keyId, String tenant, Role role) {

    public enum Role {
        USER, ADMIN;

        public String value() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public boolean isAdmin() {
        return role == Role.ADMIN;
    }

    /** Whether this caller may see what belongs to {@code owner}: its own tenant's, or anything for an admin. */
    public boolean maySee(String owner) {
        return isAdmin() || tenant.equals(owner);
    }
}
