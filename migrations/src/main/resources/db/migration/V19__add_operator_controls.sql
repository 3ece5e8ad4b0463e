-- Operators pause jobs (PAUSED: nothing is released, what is out finishes) and requeue a failed job's failed tasks.
ALTER TABLE jobs DROP CONSTRAINT jobs_state_check;
ALTER TABLE jobs ADD CONSTRAINT jobs_state_check
    CHECK (state IN ('QUEUED', 'PLANNED', 'RUNNING', 'PAUSED', 'SUCCEEDED', 'FAILED', 'CANCELLED'));
DROP INDEX jobs_live_idx;
CREATE INDEX jobs_live_idx ON jobs (priority DESC, created_at) WHERE state IN ('QUEUED', 'PLANNED', 'RUNNING', 'PAUSED');
DROP INDEX jobs_cancel_requested_idx;
CREATE INDEX jobs_cancel_requested_idx ON jobs (cancel_requested_at)
    WHERE cancel_requested_at IS NOT NULL AND state IN ('QUEUED', 'PLANNED', 'RUNNING', 'PAUSED');

-- A task waiting to be issued again (a retry's back-off, a lost lease, a requeue) is WAITING; it used to be RELEASED
-- with next_attempt_at set, which overloaded RELEASED with two meanings.
ALTER TABLE tasks DROP CONSTRAINT tasks_state_check;
ALTER TABLE tasks ADD CONSTRAINT tasks_state_check
    CHECK (state IN ('PENDING', 'WAITING', 'RELEASED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'));
UPDATE tasks SET state = 'WAITING', lease_expires_at = NULL WHERE state = 'RELEASED' AND next_attempt_at IS NOT NULL;

-- A requeue gives a task a fresh set of attempts without reusing attempt numbers (a late event of an old attempt must
-- stay stale): attempts are counted from here.
ALTER TABLE tasks ADD COLUMN attempts_before integer NOT NULL DEFAULT 0 CHECK (attempts_before >= 0);

-- Draining a worker: it finishes its task and takes no more until undrained. Requested here and in the bucket
-- (workers never touch the database): a draining worker leaves the consumer group once its task is done.
ALTER TABLE workers ADD COLUMN drain_requested_at timestamptz;
