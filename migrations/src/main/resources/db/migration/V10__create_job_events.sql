-- Append-only audit trail of a job (state changes, retries, cancellation), also what
-- GET /v1/jobs/{id}/events tails by id.
CREATE TABLE job_events (
    id      bigserial   PRIMARY KEY,
    job_id  uuid        NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    -- No foreign key, so that writing the trail never waits on a lock of the task row.
    task_id uuid,
    type    text        NOT NULL CHECK (type ~ '^[A-Z][A-Z0-9_]*$'),
    -- Who caused it: an API key id, a worker id, or the scheduler.
    actor   text,
    detail  jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(detail) = 'object'),
    at      timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX job_events_job_idx ON job_events (job_id, id);
