-- What a job will make (images, frames, projections), counted once from the spec when it is accepted: reads never
-- parse the spec again. 0 for jobs accepted before this column, whose progress falls back to their tasks.
ALTER TABLE jobs ADD COLUMN items_total bigint NOT NULL DEFAULT 0 CHECK (items_total >= 0);

-- DELETE /v1/jobs/{id}: the job is gone from the API at once; the scheduler removes its objects, then its rows.
ALTER TABLE jobs ADD COLUMN delete_requested_at timestamptz;
CREATE INDEX jobs_delete_requested_idx ON jobs (delete_requested_at) WHERE delete_requested_at IS NOT NULL;

-- Set when the tenant's retention period removed the job's outputs; the job and its history stay.
ALTER TABLE jobs ADD COLUMN outputs_deleted_at timestamptz;
CREATE INDEX jobs_finished_idx ON jobs (finished_at) WHERE finished_at IS NOT NULL AND outputs_deleted_at IS NULL;

-- Set once the scheduler removed what a failed or cancelled job's unfinished tasks stored without a record
-- (the outputs of a task that stopped half-way): from then on every object under the job has its artifact row.
ALTER TABLE jobs ADD COLUMN leftovers_swept_at timestamptz;
CREATE INDEX jobs_unswept_idx ON jobs (finished_at)
    WHERE leftovers_swept_at IS NULL AND state IN ('FAILED', 'CANCELLED');
