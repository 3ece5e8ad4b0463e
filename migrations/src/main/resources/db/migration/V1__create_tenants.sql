-- Tenant ids appear in object keys (uploads/{tenant}/...), so they are path-safe slugs.
CREATE TABLE tenants (
    id          text        PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9_-]{0,63}$'),
    name        text        NOT NULL,
    -- Fair share: the scheduler releases tasks to busy tenants in proportion to their weights.
    weight      integer     NOT NULL DEFAULT 1 CHECK (weight > 0),
    created_at  timestamptz NOT NULL DEFAULT now(),
    disabled_at timestamptz
);
