CREATE TABLE artifacts (
    id         bigserial   PRIMARY KEY,
    job_id     uuid        NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    task_id    uuid        REFERENCES tasks (id) ON DELETE SET NULL,
    -- Object keys are deterministic, so a redelivered task event adds nothing: ON CONFLICT (key) DO NOTHING.
    -- The prefix check keeps every artifact under its own job, and so within its tenant.
    key        text        NOT NULL UNIQUE CHECK (starts_with(key, 'jobs/' || job_id::text || '/')),
    -- image, shard, frame, video, manifest, projection, metrics, report, ...
    kind       text        NOT NULL CHECK (kind ~ '^[a-z][a-z0-9_]*$'),
    -- The seed an image was rendered from; the manifest lists each once.
    seed       bigint      CHECK (seed BETWEEN 0 AND 4294967295),
    bytes      bigint      NOT NULL CHECK (bytes >= 0),
    sha256     text        NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX artifacts_job_kind_seed_idx ON artifacts (job_id, kind, seed);
