-- AEFI reports whose person the service has not met yet (registration's topic arrives on its own schedule),
-- and the classifications of such a report: held here without their person's details and emitted, in the
-- order they were recorded, when the person's PersonRegistered arrives (projections/derivation.py).
CREATE TABLE IF NOT EXISTS partner_aefi_pending (
    source_event_id uuid PRIMARY KEY,
    aefi_id         text NOT NULL,
    person_id       text NOT NULL,
    stage           text NOT NULL,
    recorded_at     timestamptz NOT NULL,
    message         bytea NOT NULL
);
CREATE INDEX IF NOT EXISTS partner_aefi_pending_person ON partner_aefi_pending (person_id);
CREATE INDEX IF NOT EXISTS partner_aefi_pending_aefi ON partner_aefi_pending (aefi_id);
