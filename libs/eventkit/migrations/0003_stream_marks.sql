-- eventkit: how a projection skips the relay's duplicates without one row per event
-- (eventkit/projections/dedupe.py).
--
-- projection_streams: per projection and stream (topic + aggregate id), the highest aggregate version the
-- runner has passed (applied or dead-lettered) and that event's id. A store appends a stream's events with
-- versions 1, 2, 3 ... and the relay publishes first copies in that order on the stream's one partition, so
-- a record whose version is below the mark (or equal, with the same event id) is a copy of an event the
-- projection already passed. One row per stream, written once per batch, instead of one per event.
--
-- projection_unapplied: events the runner passed without applying them (dead-lettered): a later copy, or
-- `vaxtrail dlq replay`, may still apply them once. Rare; deleted when applied.
--
-- processed_events (0001) is no longer written; a runner still reads it while it holds rows of its
-- projection (a database the per-event scheme built), and `rebuild` empties it.

CREATE TABLE IF NOT EXISTS projection_streams (
    projection text   NOT NULL,
    topic      text   NOT NULL,
    stream     text   NOT NULL,
    version    bigint NOT NULL,
    event_id   uuid   NOT NULL,
    PRIMARY KEY (projection, topic, stream)
);

CREATE TABLE IF NOT EXISTS projection_unapplied (
    projection text NOT NULL,
    event_id   uuid NOT NULL,
    PRIMARY KEY (projection, event_id)
);
