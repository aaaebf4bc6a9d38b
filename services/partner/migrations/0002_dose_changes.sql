-- The doses feed follows a dose after its DoseGiven (services/partner/projections/doses.py): historical doses,
-- withdrawals, corrections and person merges, each kept whatever the order the topics deliver them in.

-- A historical dose (DoseRecordedHistorical: given elsewhere or before VaxTrail) and the country it was given in.
ALTER TABLE partner_doses ADD COLUMN IF NOT EXISTS historical boolean NOT NULL DEFAULT false;
ALTER TABLE partner_doses ADD COLUMN IF NOT EXISTS country text NOT NULL DEFAULT '';

-- DoseEnteredInError by the event of the dose it withdraws; kept when it arrives before that dose, which is then
-- never served.
CREATE TABLE IF NOT EXISTS partner_dose_withdrawals (
    dose_event_id uuid PRIMARY KEY,
    event_id      uuid NOT NULL
);

-- DoseCorrected changes of fields the feed carries ({column: value}), in arrival order; a correction arriving
-- before its dose is applied when the dose arrives.
CREATE TABLE IF NOT EXISTS partner_dose_corrections (
    event_id      uuid PRIMARY KEY,
    seq           bigserial NOT NULL,
    dose_event_id uuid NOT NULL,
    changes       jsonb NOT NULL
);
CREATE INDEX IF NOT EXISTS partner_dose_corrections_dose ON partner_dose_corrections (dose_event_id, seq);

-- PersonsMerged: each retired person id -> the person its doses belong to now (chains resolved on arrival).
CREATE TABLE IF NOT EXISTS partner_merges (
    merged_person_id    text PRIMARY KEY,
    surviving_person_id text NOT NULL,
    event_id            uuid NOT NULL
);
CREATE INDEX IF NOT EXISTS partner_merges_surviving ON partner_merges (surviving_person_id);

-- Which DoseGiven records a partner already has (a re-grant, a withdrawal, a correction, a merge ask).
CREATE INDEX IF NOT EXISTS feed_outbox_partner_source ON feed_outbox (partner, source_event_id);
