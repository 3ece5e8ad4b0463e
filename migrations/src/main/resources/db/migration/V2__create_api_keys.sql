CREATE TABLE api_keys (
    id           uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id    text        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    -- SHA-256 (hex) of the key. Keys are long random tokens, so a fast unsalted hash is safe and lets the
    -- gateway find a key by its hash.
    key_hash     text        NOT NULL UNIQUE CHECK (key_hash ~ '^[0-9a-f]{64}$'),
    role         text        NOT NULL CHECK (role IN ('user', 'admin')),
    label        text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at   timestamptz
);

CREATE INDEX api_keys_tenant_idx ON api_keys (tenant_id);
