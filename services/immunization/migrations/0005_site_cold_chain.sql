-- inventory: what a site must know before it opens a vial (issue 18). The storage unit a site's stock of a
-- lot was put away in, the site's storage units, and their temperature excursions (open until assessed):
-- stock in a unit with an open excursion is not opened (INV-13).
ALTER TABLE ref_site_stock ADD COLUMN IF NOT EXISTS storage_unit_id text NOT NULL DEFAULT '';

CREATE TABLE IF NOT EXISTS ref_storage_unit (
    storage_unit_id text PRIMARY KEY,
    location_id     text NOT NULL
);

CREATE TABLE IF NOT EXISTS ref_excursion (
    excursion_id    text PRIMARY KEY,
    storage_unit_id text NOT NULL,
    started_at      timestamptz,
    assessed        boolean NOT NULL DEFAULT false
);
CREATE INDEX IF NOT EXISTS ref_excursion_open ON ref_excursion (storage_unit_id) WHERE NOT assessed;
