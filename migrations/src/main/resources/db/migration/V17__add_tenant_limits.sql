-- How many live models a tenant may register, and how long finished jobs keep their outputs (NULL: for ever).
ALTER TABLE tenants ADD COLUMN max_models integer NOT NULL DEFAULT 20 CHECK (max_models > 0);
ALTER TABLE tenants ADD COLUMN retention_days integer CHECK (retention_days BETWEEN 1 AND 36500);
