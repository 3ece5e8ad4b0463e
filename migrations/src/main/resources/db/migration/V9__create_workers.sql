-- Workers never touch the database: the scheduler keeps this table from their task events.
CREATE TABLE workers (
    id              text             PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 200),
    host            text,
    device_kind     text             CHECK (device_kind IN ('cpu', 'cuda')),
    device_name     text,
    first_seen_at   timestamptz      NOT NULL DEFAULT now(),
    last_heartbeat  timestamptz      NOT NULL DEFAULT now(),
    -- Images per second, a moving average.
    throughput      double precision CHECK (throughput >= 0),
    current_task_id uuid             REFERENCES tasks (id) ON DELETE SET NULL
);

CREATE INDEX workers_last_heartbeat_idx ON workers (last_heartbeat);
