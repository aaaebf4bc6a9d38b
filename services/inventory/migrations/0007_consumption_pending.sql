-- Consumption reported by immunization, waiting for the consumption worker (projection consumption writes
-- it in the same transaction as its tracking; the worker appends StockConsumed / ConsumptionDiscrepancyDetected
-- one source event at a time and then deletes the row). Not truncated by a rebuild: it is a queue of work whose
-- completion the event store records (an idempotency key per source event), not a view derived from the topic.
CREATE TABLE IF NOT EXISTS consumption_pending (
    source_event_id uuid        PRIMARY KEY,
    seq             bigserial   NOT NULL,
    site_id         text        NOT NULL,
    lot_id          text        NOT NULL,
    doses           integer     NOT NULL,
    source          text        NOT NULL,   -- VIAL_OPENED | DOSE_ADMINISTERED
    reference_id    text        NOT NULL,   -- the vial opening or the dose
    consumed_at     timestamptz NOT NULL,
    correlation_id  text        NOT NULL,
    attempts        integer     NOT NULL DEFAULT 0  -- failed tries (a failing row waits behind fresh ones)
);
CREATE INDEX IF NOT EXISTS consumption_pending_order ON consumption_pending (attempts, seq);
