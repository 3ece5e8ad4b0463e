package ai.stylefarm.domain.keys;

import ai.stylefarm.domain.Refused;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The api_keys table. A key is 32 random bytes, shown once and stored only as SHA-256: a fast unsalted hash is
 * enough because the keys are random (nothing to guess from a dictionary), and it lets a request find its key with
 * one indexed lookup.
 */
public class ApiKeyRepository {
    /** Recognisable in logs and secret scanners. */
    public static final String PREFIX = "sfk_";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String COLUMNS = "id, tenant_id, role, label, created_at, last_used_at, revoked_at";

    private final DataSource db;

    public ApiKeyRepository(DataSource db) {
        this.db = db;
    }

    /** A key as its tenant's admins and users see it: never the key or its hash. */
    public record KeyView(UUID id, String tenant, String role, String label, Instant createdAt, Instant lastUsedAt,
                          Instant revokedAt) {
    }

    /** A key as issued: the secret itself, shown once. */
    public record NewKey(UUID id, String tenant, String role, String label, String key) {
    }

    /** A live key as a request presents it; {@code tenantDisabled} keys must be refused. */
    public record LiveKey(UUID id, String tenant, Role role, boolean tenantDisabled) {
    }

    public static String newKey() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static String hash(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The unrevoked key with this secret; empty for unknown or revoked keys. Callers look a key up on every request,
     * so a revocation or a disabled tenant takes effect on the next one. Marks the key used, to the minute: enough to
     * see which keys are idle, without a write per request.
     */
    public Optional<LiveKey> resolve(String key) {
        String sql = "SELECT k.id, k.tenant_id, k.role, t.disabled_at IS NOT NULL, k.last_used_at IS NULL"
                + " OR k.last_used_at < now() - interval '1 minute' FROM api_keys k JOIN tenants t ON t.id = k.tenant_id"
                + " WHERE k.key_hash = ? AND k.revoked_at IS NULL";
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, hash(key));
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return Optional.empty();
                }
                LiveKey live = new LiveKey(r.getObject(1, UUID.class), r.getString(2), Role.of(r.getString(3)),
                        r.getBoolean(4));
                if (r.getBoolean(5) && !live.tenantDisabled()) {
                    touch(c, live.id());
                }
                return Optional.of(live);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not look up the API key", e);
        }
    }

    private static void touch(Connection c, UUID key) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE api_keys SET last_used_at = now() WHERE id = ?")) {
            s.setObject(1, key);
            s.executeUpdate();
        }
    }

    /** Issues a new key for {@code tenant}. */
    public NewKey issue(String tenant, Role role, String label) {
        String key = newKey();
        try (Connection c = db.getConnection()) {
            return new NewKey(register(c, tenant, key, role, label), tenant, role.value(), label, key);
        } catch (SQLException e) {
            throw new IllegalStateException("could not issue a key for " + tenant, e);
        }
    }

    /**
     * Registers a key chosen by the operator (the bootstrap admin's), creating its tenant if needed; idempotent.
     * @return the key's id
     */
    public UUID registerOperatorKey(String tenant, String key, Role role, String label) {
        try (Connection c = db.getConnection()) {
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO tenants (id, name) VALUES (?, ?) ON CONFLICT (id) DO NOTHING")) {
                s.setString(1, tenant);
                s.setString(2, tenant);
                s.executeUpdate();
            }
            return register(c, tenant, key, role, label);
        } catch (SQLException e) {
            throw new IllegalStateException("could not register the key of " + tenant, e);
        }
    }

    public List<KeyView> list(String tenant) {
        return keys("tenant_id = ? ORDER BY created_at, id", tenant);
    }

    public Optional<KeyView> find(UUID id) {
        return keys("id = ?", id).stream().findFirst();
    }

    private List<KeyView> keys(String where, Object arg) {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS
                + " FROM api_keys WHERE " + where)) {
            s.setObject(1, arg);
            List<KeyView> keys = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    keys.add(new KeyView(r.getObject(1, UUID.class), r.getString(2), r.getString(3), r.getString(4),
                            instant(r.getTimestamp(5)), instant(r.getTimestamp(6)), instant(r.getTimestamp(7))));
                }
            }
            return keys;
        } catch (SQLException e) {
            throw new IllegalStateException("could not read API keys", e);
        }
    }

    /** Revokes a key at once; revoking a revoked key changes nothing. */
    public KeyView revoke(KeyView key) {
        try (Connection c = db.getConnection()) {
            revoke(c, key.id());
        } catch (SQLException e) {
            throw new IllegalStateException("could not revoke key " + key.id(), e);
        }
        return find(key.id()).orElseThrow();
    }

    /** A new key with the old one's tenant, role and label; the old one is revoked in the same transaction. */
    public NewKey rotate(KeyView old) {
        if (old.revokedAt() != null) {
            throw Refused.conflict("id", "key " + old.id() + " was revoked at " + old.revokedAt()
                    + "; issue a new key instead");
        }
        String key = newKey();
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try {
                revoke(c, old.id());
                UUID id = register(c, old.tenant(), key, Role.of(old.role()), old.label());
                c.commit();
                return new NewKey(id, old.tenant(), old.role(), old.label(), key);
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not rotate key " + old.id(), e);
        }
    }

    private static void revoke(Connection c, UUID id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE api_keys SET revoked_at = coalesce(revoked_at, now())"
                + " WHERE id = ?")) {
            s.setObject(1, id);
            s.executeUpdate();
        }
    }

    private static UUID register(Connection c, String tenant, String key, Role role, String label)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO api_keys (tenant_id, key_hash, role, label)"
                + " VALUES (?, ?, ?, ?) ON CONFLICT (key_hash) DO UPDATE SET key_hash = EXCLUDED.key_hash RETURNING id")) {
            s.setString(1, tenant);
            s.setString(2, hash(key));
            s.setString(3, role.value());
            s.setString(4, label);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getObject(1, UUID.class);
            }
        }
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
