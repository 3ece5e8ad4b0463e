-- Kind, state and priority mirror ai.stylefarm.schemas.JobKind, JobState and JobMessage's priority range.
CREATE TABLE jobs (
    id                  uuid        PRIMARY KEY,
    tenant_id           text        NOT NULL REFERENCES tenants (id),
    kind                text        NOT NULL
                                    CHECK (kind IN ('generate', 'style_mix', 'interpolate', 'project', 'calibrate')),
    model_id            text        NOT NULL REFERENCES models (id),
    -- The normalised spec, as published in the job message.
    spec                jsonb       NOT NULL CHECK (jsonb_typeof(spec) = 'object'),
    state               text        NOT NULL DEFAULT 'QUEUED'
                                    CHECK (state IN ('QUEUED', 'PLANNED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
    -- Higher runs first.
    priority            integer     NOT NULL DEFAULT 5 CHECK (priority BETWEEN 0 AND 9),
    tasks_total         integer     NOT NULL DEFAULT 0 CHECK (tasks_total >= 0),
    tasks_done          integer     NOT NULL DEFAULT 0 CHECK (tasks_done >= 0),
    tasks_failed        integer     NOT NULL DEFAULT 0 CHECK (tasks_failed >= 0),
    error               text,
    -- Idempotency-Key of POST /v1/jobs; NULLs never collide, so keyless requests are unaffected.
    idempotency_key     text,
    -- Written by the gateway; the scheduler, the only writer of state, acts on it.
    cancel_requested_at timestamptz,
    created_at          timestamptz NOT NULL DEFAULT now(),
    started_at          timestamptz,
    finished_at         timestamptz,
    updated_at          timestamptz NOT NULL DEFAULT now(),
    -- Compare-and-set token for every state change.
    version             bigint      NOT NULL DEFAULT 0,
    CONSTRAINT jobs_idempotency_key_uq UNIQUE (tenant_id, idempotency_key),
    CHECK (tasks_done + tasks_failed <= tasks_total)
);

-- GET /v1/jobs: a tenant's jobs, newest first, paged by (created_at, id).
CREATE INDEX jobs_tenant_created_idx ON jobs (tenant_id, created_at DESC, id DESC);
-- The scheduler's view of live jobs, in release order.
CREATE INDEX jobs_live_idx ON jobs (priority DESC, created_at) WHERE state IN ('QUEUED', 'PLANNED', 'RUNNING');
CREATE INDEX jobs_cancel_requested_idx ON jobs (cancel_requested_at)
    WHERE cancel_requested_at IS NOT NULL AND state IN ('QUEUED', 'PLANNED', 'RUNNING');
