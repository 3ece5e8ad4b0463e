-- A model's id is its owner's name for it: two tenants may each have an 'ffhq', and registering one never tells a
-- tenant that another has it. slug is that id; the primary key becomes an internal key (the slug for models made
-- before this migration, a random one after) that jobs, task messages and object keys (models/{key}/...) use.
ALTER TABLE models ADD COLUMN slug text;
UPDATE models SET slug = id;
ALTER TABLE models ALTER COLUMN slug SET NOT NULL;
ALTER TABLE models ADD CONSTRAINT models_slug_check CHECK (slug ~ '^[a-z0-9][a-z0-9_-]{0,63}$');

-- A deleted model keeps its row, so that the jobs that used it still name it; its slug is free again.
ALTER TABLE models ADD COLUMN deleted_at timestamptz;
CREATE UNIQUE INDEX models_owner_slug_uq ON models (coalesce(tenant_id, ''), slug) WHERE deleted_at IS NULL;
