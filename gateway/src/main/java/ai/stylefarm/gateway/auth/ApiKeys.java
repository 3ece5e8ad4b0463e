package ai.stylefarm.gateway.auth;

import ai.stylefarm.gateway.api.ApiException;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;

/**
 * API keys: 32 random bytes, shown once, stored only as SHA-256. A fast unsalted hash is enough because the keys
 * are random (nothing to guess from a dictionary), and it lets a request find its key with one indexed lookup.
 */
@ApplicationScoped
public class ApiKeys {
    /** Recognisable in logs and secret scanners. */
    static final String PREFIX = "sfk_";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final AgroalDataSource db;

    public ApiKeys(AgroalDataSource db) {
        this.db = db;
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

    /** The caller for a live key of an enabled tenant; empty for unknown or revoked keys. */
    public Optional<Caller> resolve(String key) {
        String sql = "SELECT k.id, k.tenant_id, k.role, t.disabled_at FROM api_keys k JOIN tenants t ON t.id = k.tenant_id"
                + " WHERE k.key_hash = ? AND k.revoked_at IS NULL";
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, hash(key));
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return Optional.empty();
                }
                if (r.getTimestamp(4) != null) {
                    throw ApiException.forbidden("tenant '" + r.getString(2) + "' is disabled");
                }
                return Optional.of(new Caller(r.getObject(1, UUID.class), r.getString(2),
                        Caller.Role.valueOf(r.getString(3).toUpperCase(java.util.Locale.ROOT))));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not look up the API key", e);
        }
    }

    /** Stores a key's hash for {@code tenant}; idempotent for the same key. Returns the key's id. */
    public UUID register(Connection c, String tenant, String key, Caller.Role role, String label) throws SQLException {
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
}
