-- immunization: local read models of other services' topics (registration, inventory, allocation),
-- and the service's own secret for presence codes, QR tokens and identity-document hashes.

-- A per-deployment secret made once by the migration (never a default in code or config).
CREATE TABLE IF NOT EXISTS service_secret (
    id     integer PRIMARY KEY CHECK (id = 1),
    secret text    NOT NULL
);
INSERT INTO service_secret (id, secret)
VALUES (1, replace(gen_random_uuid()::text || gen_random_uuid()::text || gen_random_uuid()::text, '-', ''))
ON CONFLICT (id) DO NOTHING;

-- registration: only what check-in and eligibility need (no name, phone or address; the identity
-- document is kept as a keyed hash so an ID-document check-in can find the person).
CREATE TABLE IF NOT EXISTS ref_person (
    person_id                 text PRIMARY KEY,
    date_of_birth             date,
    id_document_hash          text,
    approved                  boolean NOT NULL DEFAULT false,
    rejected                  boolean NOT NULL DEFAULT false,
    district_health_centre_id text    NOT NULL DEFAULT '',
    merged_into               text    NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS ref_person_document ON ref_person (id_document_hash);

-- inventory: the supply tree, presentations, lots, lot status per scope, stock received per site.
CREATE TABLE IF NOT EXISTS ref_location (
    location_id      text PRIMARY KEY,
    kind             text    NOT NULL,
    parent_id        text    NOT NULL DEFAULT '',
    province_code    text    NOT NULL DEFAULT '',
    district_code    text    NOT NULL DEFAULT '',
    hospital_capable boolean NOT NULL DEFAULT false,
    active_until     date
);

CREATE TABLE IF NOT EXISTS ref_presentation (
    presentation_id        text    NOT NULL,
    version                integer NOT NULL,
    vaccine_code           text    NOT NULL,
    doses_per_vial         integer NOT NULL,
    extra_doses_allowed    integer NOT NULL DEFAULT 0,
    dose_volume_ml         text    NOT NULL DEFAULT '',
    open_vial_window_hours integer NOT NULL DEFAULT 6,
    min_age_years          integer NOT NULL DEFAULT 18,
    components             text[]  NOT NULL DEFAULT '{}',
    series_doses           integer NOT NULL DEFAULT 2,
    platform               text    NOT NULL DEFAULT '',
    PRIMARY KEY (presentation_id, version)
);

CREATE TABLE IF NOT EXISTS ref_lot (
    lot_id               text PRIMARY KEY,
    lot_number           text    NOT NULL,
    presentation_id      text    NOT NULL,
    presentation_version integer NOT NULL,
    label_expiry         date,  -- NULL: no usable expiry was published; the lot is treated as expired
    extended_expiry      date
);

-- One row per (lot, scope): NATIONAL (scope_id ''), PROVINCE (province code), SITE (location id).
CREATE TABLE IF NOT EXISTS ref_lot_status (
    lot_id   text NOT NULL,
    scope    text NOT NULL,
    scope_id text NOT NULL,
    status   text NOT NULL,
    PRIMARY KEY (lot_id, scope, scope_id)
);

CREATE TABLE IF NOT EXISTS ref_site_stock (
    location_id     text   NOT NULL,
    lot_id          text   NOT NULL,
    doses_received  bigint NOT NULL,
    beyond_use_date date,
    PRIMARY KEY (location_id, lot_id)
);

-- allocation: planned sessions.
CREATE TABLE IF NOT EXISTS ref_session_plan (
    session_id                text PRIMARY KEY,
    site_id                   text        NOT NULL,
    session_date              date        NOT NULL,
    starts_at                 timestamptz NOT NULL,
    ends_at                   timestamptz NOT NULL,
    presentation_id           text        NOT NULL DEFAULT '',
    district_health_centre_id text        NOT NULL DEFAULT ''
);
