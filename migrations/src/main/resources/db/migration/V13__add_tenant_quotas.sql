-- Per-tenant quotas, checked by the gateway when a job is submitted.
ALTER TABLE tenants ADD COLUMN max_images_per_job integer NOT NULL DEFAULT 10000000 CHECK (max_images_per_job > 0);
ALTER TABLE tenants ADD COLUMN max_open_jobs integer NOT NULL DEFAULT 100 CHECK (max_open_jobs > 0);
