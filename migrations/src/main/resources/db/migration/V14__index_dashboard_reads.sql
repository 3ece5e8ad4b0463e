-- The dashboard reads the last hour: tasks by when they ended (throughput, workers' rates) and the audit trail by
-- time (failures over time, each worker's failures).
CREATE INDEX tasks_finished_idx ON tasks (finished_at) WHERE finished_at IS NOT NULL;
CREATE INDEX job_events_at_idx ON job_events (at);
CREATE INDEX tasks_worker_finished_idx ON tasks (worker_id, finished_at) WHERE finished_at IS NOT NULL;
