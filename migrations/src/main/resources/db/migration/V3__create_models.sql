CREATE TABLE models (
    -- Appears in object keys (models/{id}/...), so a path-safe slug.
    id                   text        PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9_-]{0,63}$'),
    -- NULL: a model every tenant may use.
    tenant_id            text        REFERENCES tenants (id) ON DELETE CASCADE,
    name                 text        NOT NULL,
    state                text        NOT NULL DEFAULT 'IMPORTING'
                                     CHECK (state IN ('IMPORTING', 'READY', 'FAILED')),
    source               text        NOT NULL CHECK (source IN ('nvidia_pickle', 'rosinality', 'random', 'bundle')),
    -- Checksum of the bundle: the task message's model_sha256 and the workers' cache key.
    bundle_sha256        text        CHECK (bundle_sha256 ~ '^[0-9a-f]{64}$'),
    -- model.json of the bundle (dimensions, noise inputs, w_avg, provenance, graph checksums).
    metadata             jsonb       CHECK (jsonb_typeof(metadata) = 'object'),
    -- Set by a calibrate job; project verdicts compare against it.
    projection_threshold double precision,
    error                text,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    version              bigint      NOT NULL DEFAULT 0,
    -- Workers can only load a model whose bundle is complete.
    CHECK (state <> 'READY' OR (bundle_sha256 IS NOT NULL AND metadata IS NOT NULL))
);

CREATE INDEX models_tenant_idx ON models (tenant_id);
