-- inventory read models for the cold chain (projection cold_chain) and thaw / put-away state of stock.
ALTER TABLE stock_on_hand ADD COLUMN IF NOT EXISTS storage_unit_id text NOT NULL DEFAULT '';
ALTER TABLE stock_on_hand ADD COLUMN IF NOT EXISTS beyond_use_date date;
ALTER TABLE lots ADD COLUMN IF NOT EXISTS extension_condition text NOT NULL DEFAULT '';

CREATE TABLE IF NOT EXISTS storage_units (
    storage_unit_id text PRIMARY KEY,
    location_id     text NOT NULL,
    unit_type       text NOT NULL,
    logger_id       text NOT NULL
);

CREATE TABLE IF NOT EXISTS excursions (
    excursion_id    text        NOT NULL,
    storage_unit_id text        NOT NULL,
    alarm_type      text        NOT NULL,
    min_celsius     text        NOT NULL,
    max_celsius     text        NOT NULL,
    started_at      timestamptz NOT NULL,
    ended_at        timestamptz,
    assessed_at     timestamptz,
    PRIMARY KEY (storage_unit_id, excursion_id)
);

CREATE TABLE IF NOT EXISTS excursion_verdicts (
    storage_unit_id text        NOT NULL,
    excursion_id    text        NOT NULL,
    lot_id          text        NOT NULL,
    decision        text        NOT NULL,
    rationale       text        NOT NULL,
    assessed_at     timestamptz NOT NULL,
    PRIMARY KEY (storage_unit_id, excursion_id, lot_id)
);
