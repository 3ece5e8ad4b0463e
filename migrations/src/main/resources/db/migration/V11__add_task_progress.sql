-- Items (images) a task has finished, from its workers' PROGRESS events: live job progress between task ends.
-- Reset when the task is re-issued, set to its output count when it succeeds.
ALTER TABLE tasks ADD COLUMN items_done integer NOT NULL DEFAULT 0 CHECK (items_done >= 0);
