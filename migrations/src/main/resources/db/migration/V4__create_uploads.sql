-- The object is at uploads/{tenant_id}/{id}, derived rather than stored, so it cannot point elsewhere.
CREATE TABLE uploads (
    id           uuid        PRIMARY KEY,
    tenant_id    text        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    filename     text,
    content_type text        NOT NULL,
    bytes        bigint      NOT NULL CHECK (bytes >= 0),
    sha256       text        NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX uploads_tenant_created_idx ON uploads (tenant_id, created_at DESC, id DESC);
