-- eventkit: which dead letters `vaxtrail dlq replay` has handled, so that a second replay does not redo
-- them. One row per dead-letter copy (a retried batch may have produced two copies of one dead letter);
-- written in the same transaction as the replayed event's read-model changes.

CREATE TABLE IF NOT EXISTS dlq_replays (
    dlq_topic        text        NOT NULL,
    dlq_partition    integer     NOT NULL,
    dlq_offset       bigint      NOT NULL,
    projection       text        NOT NULL,
    source_topic     text        NOT NULL,
    source_partition integer     NOT NULL,
    source_offset    bigint      NOT NULL,
    event_id         uuid,
    outcome          text        NOT NULL,  -- applied | already-applied | ignored | left-to-runner
    replayed_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (dlq_topic, dlq_partition, dlq_offset)
);
