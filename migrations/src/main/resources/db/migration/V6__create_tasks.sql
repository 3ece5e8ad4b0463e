-- Kind and state mirror ai.stylefarm.schemas.TaskKind and TaskState.
CREATE TABLE tasks (
    id               uuid        PRIMARY KEY,
    job_id           uuid        NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    idx              integer     NOT NULL CHECK (idx >= 0),
    kind             text        NOT NULL CHECK (kind IN ('generate', 'style_mix', 'interpolate', 'project')),
    spec             jsonb       NOT NULL CHECK (jsonb_typeof(spec) = 'object'),
    state            text        NOT NULL DEFAULT 'PENDING'
                                 CHECK (state IN ('PENDING', 'RELEASED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
    -- Issues so far (0 before the first); events of any other attempt are stale.
    attempt          integer     NOT NULL DEFAULT 0 CHECK (attempt >= 0),
    worker_id        text,
    lease_expires_at timestamptz,
    -- Set while the task waits to be (re)issued: creation time, or now + back-off for a retry. Cleared on issue.
    next_attempt_at  timestamptz,
    error            text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    started_at       timestamptz,
    finished_at      timestamptz,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    version          bigint      NOT NULL DEFAULT 0,
    CONSTRAINT tasks_job_idx_uq UNIQUE (job_id, idx)
);

-- Releasing in windows: per job, the tasks in flight and the next ones in order.
CREATE INDEX tasks_job_state_idx ON tasks (job_id, state, idx);
-- Tasks due for (re)issue across all jobs.
CREATE INDEX tasks_due_idx ON tasks (next_attempt_at) WHERE next_attempt_at IS NOT NULL;
-- Leases to expire: issued or running tasks whose heartbeat stopped.
CREATE INDEX tasks_lease_idx ON tasks (lease_expires_at) WHERE state IN ('RELEASED', 'RUNNING');
