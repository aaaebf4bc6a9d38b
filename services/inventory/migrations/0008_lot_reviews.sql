-- Lot reviews asked for by an AEFI classified A2 (immunization's AefiClassified with lot_review_requested),
-- one row per (classification, lot), waiting for the lot review worker (projection lot_reviews writes it in the
-- same transaction as its tracking; the worker appends the national LotSuspended through the command bus and then
-- deletes the row). Like consumption_pending, not truncated by a rebuild: its completion is in the event store.
CREATE TABLE IF NOT EXISTS lot_review_pending (
    source_event_id uuid        NOT NULL,
    lot_id          text        NOT NULL,
    seq             bigserial   NOT NULL,
    aefi_id         text        NOT NULL,
    causality       text        NOT NULL,
    correlation_id  text        NOT NULL,
    attempts        integer     NOT NULL DEFAULT 0,
    PRIMARY KEY (source_event_id, lot_id)
);
CREATE INDEX IF NOT EXISTS lot_review_pending_order ON lot_review_pending (attempts, seq);

-- The decision reference of each lot decision (a lot review's names its AEFI: AEFI:<id>); a rebuild of
-- projection catalogue fills it for past decisions.
ALTER TABLE lot_decisions ADD COLUMN IF NOT EXISTS decision_reference text NOT NULL DEFAULT '';
