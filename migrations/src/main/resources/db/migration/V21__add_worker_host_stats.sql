-- What the workers page shows of each worker's process, from its latest heartbeat.
ALTER TABLE workers
    ADD COLUMN cpu_ratio    double precision CHECK (cpu_ratio BETWEEN 0 AND 1),
    ADD COLUMN memory_bytes bigint           CHECK (memory_bytes >= 0),
    ADD COLUMN gpu_ratio    double precision CHECK (gpu_ratio BETWEEN 0 AND 1),
    ADD COLUMN started_at   timestamptz,
    ADD COLUMN version      text             CHECK (length(version) <= 64);
