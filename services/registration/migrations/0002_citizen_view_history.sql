-- The citizen's view shows historical doses, corrections of doses and certificate suspensions (issue 17).
ALTER TABLE person_doses ALTER COLUMN administered_at DROP NOT NULL;             -- a historical dose has a day only
ALTER TABLE person_doses ADD COLUMN IF NOT EXISTS administered_date date;        -- DoseRecordedHistorical's day
ALTER TABLE person_doses ADD COLUMN IF NOT EXISTS product text NOT NULL DEFAULT '';   -- as documented (historical)
ALTER TABLE person_doses ADD COLUMN IF NOT EXISTS historical_source text NOT NULL DEFAULT '';  -- '' = given here
ALTER TABLE person_doses ADD COLUMN IF NOT EXISTS country text NOT NULL DEFAULT '';

CREATE TABLE IF NOT EXISTS person_dose_corrections (
    event_id     uuid        PRIMARY KEY,   -- the DoseCorrected event
    dose_id      text        NOT NULL,
    person_id    text        NOT NULL,
    changes      jsonb       NOT NULL,      -- [{"field", "old_value", "new_value"}]
    reason       text        NOT NULL,
    corrected_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS person_dose_corrections_dose ON person_dose_corrections (dose_id);

ALTER TABLE person_certificates ADD COLUMN IF NOT EXISTS suspended boolean NOT NULL DEFAULT false;
ALTER TABLE person_certificates ADD COLUMN IF NOT EXISTS suspended_reason text NOT NULL DEFAULT '';

-- Projection citizen_record passed these events by until now: replay it from offset 0, as
-- `vaxtrail rebuild registration citizen_record` does (eventkit.projections.model.rebuild).
INSERT INTO projection_generation (projection, generation) VALUES ('citizen_record', 1)
    ON CONFLICT (projection) DO UPDATE SET generation = projection_generation.generation + 1;
TRUNCATE person_doses, person_certificates;
DELETE FROM projection_tracking WHERE projection = 'citizen_record';
DELETE FROM projection_streams WHERE projection = 'citizen_record';
DELETE FROM projection_unapplied WHERE projection = 'citizen_record';
DELETE FROM processed_events WHERE projection = 'citizen_record';
