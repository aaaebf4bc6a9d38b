-- eventkit: the tables every service database has (event store, idempotency, relay cursor, projection
-- tracking). Applied by eventkit.db.migrate before the service's own migrations.

CREATE SEQUENCE IF NOT EXISTS events_position_seq AS bigint;

CREATE TABLE IF NOT EXISTS events (
    position          bigint      PRIMARY KEY,
    event_id          uuid        NOT NULL UNIQUE,
    event_type        text        NOT NULL,
    aggregate_type    text        NOT NULL,
    aggregate_id      text        NOT NULL,
    aggregate_version integer     NOT NULL CHECK (aggregate_version > 0),
    occurred_at       timestamptz NOT NULL,
    recorded_at       timestamptz NOT NULL,
    producer          text        NOT NULL,
    actor_id          text        NOT NULL,
    actor_role        text        NOT NULL,
    correlation_id    text        NOT NULL,
    causation_id      text        NOT NULL,
    idempotency_key   text,
    payload           bytea       NOT NULL,
    prev_hash         bytea       NOT NULL,
    hash              bytea       NOT NULL,
    UNIQUE (aggregate_id, aggregate_version)
);
CREATE INDEX IF NOT EXISTS events_idempotency_key ON events (idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX IF NOT EXISTS events_type ON events (event_type);

-- INV-33: events are never updated or deleted, not even by a buggy migration.
CREATE OR REPLACE FUNCTION events_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'events are append-only (INV-33): % refused', TG_OP;
END $$;
DROP TRIGGER IF EXISTS events_append_only ON events;
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION events_are_append_only();
DROP TRIGGER IF EXISTS events_no_truncate ON events;
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION events_are_append_only();

CREATE TABLE IF NOT EXISTS idempotency_keys (
    key            text        PRIMARY KEY,
    request_hash   text        NOT NULL,
    response       jsonb,
    first_position bigint,
    last_position  bigint,
    created_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS relay_cursor (
    name     text   PRIMARY KEY,
    position bigint NOT NULL
);

CREATE TABLE IF NOT EXISTS projection_tracking (
    projection text    NOT NULL,
    topic      text    NOT NULL,
    partition  integer NOT NULL,
    "offset"   bigint  NOT NULL,
    PRIMARY KEY (projection, topic, partition)
);

CREATE TABLE IF NOT EXISTS processed_events (
    projection text NOT NULL,
    event_id   uuid NOT NULL,
    PRIMARY KEY (projection, event_id)
);

CREATE TABLE IF NOT EXISTS projection_generation (
    projection text    PRIMARY KEY,
    generation integer NOT NULL
);
