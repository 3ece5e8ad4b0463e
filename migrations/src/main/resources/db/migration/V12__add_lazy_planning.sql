-- Lazy planning: a job's tasks are created a window at a time. tasks_total is the final count from the start;
-- tasks_planned says how many rows exist so far (idx 0 .. tasks_planned - 1).
ALTER TABLE jobs ADD COLUMN tasks_planned integer NOT NULL DEFAULT 0 CHECK (tasks_planned >= 0);
ALTER TABLE jobs ADD CONSTRAINT jobs_planned_within_total CHECK (tasks_planned <= tasks_total);

-- The partition a released task was sent to: with the workers' group assignment it tells which worker has it
-- queued, so the scheduler can spread tasks by load and send a retry away from the worker that failed it.
ALTER TABLE tasks ADD COLUMN kafka_partition integer CHECK (kafka_partition >= 0);
