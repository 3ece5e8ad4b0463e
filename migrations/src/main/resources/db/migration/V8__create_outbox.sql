-- Messages written in the same transaction as the state they announce, published by a relay afterwards.
CREATE TABLE outbox (
    id           bigserial   PRIMARY KEY,
    topic        text        NOT NULL CHECK (topic ~ '^[A-Za-z0-9._-]{1,249}$'),
    key          text,
    -- The exact bytes of Messages.toJson, so the relay publishes without re-encoding.
    payload      bytea       NOT NULL,
    -- Kafka headers, name to UTF-8 value.
    headers      jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(headers) = 'object'),
    created_at   timestamptz NOT NULL DEFAULT now(),
    published_at timestamptz
);

-- The relay: SELECT ... WHERE published_at IS NULL ORDER BY id FOR UPDATE SKIP LOCKED.
CREATE INDEX outbox_unpublished_idx ON outbox (id) WHERE published_at IS NULL;
-- Purging published rows after a retention period.
CREATE INDEX outbox_published_idx ON outbox (published_at) WHERE published_at IS NOT NULL;
