-- registration read models. Every table here belongs to one projection (services/registration/projections.py)
-- and is rebuilt from offset 0 by `vaxtrail rebuild registration <projection>`.

-- projection people (own topic): the approval queue and the citizen's account listing. No names, no
-- national IDs: the queue is pseudonymous; details are read from the person's stream (and audited).
CREATE TABLE IF NOT EXISTS person_queue (
    person_id            text PRIMARY KEY,
    status               text NOT NULL,
    province_code        text NOT NULL,
    district_code        text NOT NULL DEFAULT '',
    commune_code         text NOT NULL DEFAULT '',
    priority_rank        integer NOT NULL DEFAULT 99,
    priority_group       text NOT NULL DEFAULT '',
    catalogue_version    text NOT NULL DEFAULT '',
    channel              text NOT NULL,
    account_id           text NOT NULL DEFAULT '',
    registered_at        timestamptz NOT NULL,
    centre_id            text NOT NULL DEFAULT '',
    centre_district_code text NOT NULL DEFAULT '',
    merged_into          text NOT NULL DEFAULT '',
    appointment_id       text NOT NULL DEFAULT '',
    session_id           text NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS person_queue_order
    ON person_queue (province_code, status, priority_rank, district_code, commune_code, person_id);
CREATE INDEX IF NOT EXISTS person_queue_account ON person_queue (account_id) WHERE account_id <> '';

CREATE TABLE IF NOT EXISTS person_groups (
    person_id         text NOT NULL,
    group_code        text NOT NULL,
    catalogue_version text NOT NULL,
    PRIMARY KEY (person_id, group_code, catalogue_version)
);

-- projection district_centres (inventory topic, LocationRegistered kind DISTRICT_STORE).
CREATE TABLE IF NOT EXISTS district_centres (
    location_id   text PRIMARY KEY,
    name          text NOT NULL,
    province_code text NOT NULL,
    district_code text NOT NULL,
    active        boolean NOT NULL DEFAULT true,
    -- the LocationRegistered a decision read (recorded in PersonAssignedToDistrict for replay)
    source_event_id text NOT NULL
);

-- projection planned_sessions (allocation topic, SessionPlanned).
CREATE TABLE IF NOT EXISTS planned_sessions (
    session_id                text PRIMARY KEY,
    site_id                   text NOT NULL,
    district_health_centre_id text NOT NULL,
    session_date              text NOT NULL,
    starts_at                 timestamptz NOT NULL,
    ends_at                   timestamptz NOT NULL,
    planned_persons           integer NOT NULL,
    injection_tables          integer NOT NULL,
    presentation_id           text NOT NULL,
    target_series             text NOT NULL DEFAULT '',
    target_dose_numbers       integer[] NOT NULL DEFAULT '{}',
    source_event_id           text NOT NULL
);

-- projection citizen_record (immunization + certificate topics): what a citizen sees of their doses and
-- certificates. Keyed by the upstream event / certificate id.
CREATE TABLE IF NOT EXISTS person_doses (
    event_id         uuid PRIMARY KEY,
    dose_id          text NOT NULL,
    person_id        text NOT NULL,
    administered_at  timestamptz NOT NULL,
    presentation_id  text NOT NULL,
    lot_number       text NOT NULL,
    series           text NOT NULL,
    dose_number      integer NOT NULL,
    site_id          text NOT NULL,
    entered_in_error boolean NOT NULL DEFAULT false
);
CREATE INDEX IF NOT EXISTS person_doses_person ON person_doses (person_id);

CREATE TABLE IF NOT EXISTS person_certificates (
    certificate_id text PRIMARY KEY,
    person_id      text NOT NULL,
    level          text NOT NULL,
    format         text NOT NULL,
    issued_at      timestamptz NOT NULL,
    expires_at     timestamptz,
    revoked        boolean NOT NULL DEFAULT false,
    revoked_reason text NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS person_certificates_person ON person_certificates (person_id);
