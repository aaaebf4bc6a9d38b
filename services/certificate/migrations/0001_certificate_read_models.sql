-- certificate service read models.
-- Projection canonical_records (registration, immunization and inventory topics): the person's canonical
-- record, plus certificate_pending - the persons whose certificates the issuer must bring in line.
CREATE TABLE IF NOT EXISTS record_persons (
    person_id               text PRIMARY KEY,
    full_name               text NOT NULL,
    family_name             text NOT NULL DEFAULT '',
    given_name              text NOT NULL DEFAULT '',
    date_of_birth           text NOT NULL,
    date_of_birth_estimated boolean NOT NULL DEFAULT false,
    nationality             text NOT NULL DEFAULT '',
    province_code           text NOT NULL DEFAULT '',
    district_code           text NOT NULL DEFAULT '',
    revision                text NOT NULL,
    earlier_revisions       text[] NOT NULL DEFAULT '{}',
    merged_into             text NOT NULL DEFAULT ''
);

CREATE TABLE IF NOT EXISTS record_doses (
    dose_id          text PRIMARY KEY,
    person_id        text NOT NULL,
    revision         text NOT NULL,
    earlier_revisions text[] NOT NULL DEFAULT '{}',
    historical       boolean NOT NULL,
    administered_on  date NOT NULL,
    series           text NOT NULL,
    dose_number      integer NOT NULL,
    presentation_id  text NOT NULL DEFAULT '',
    product          text NOT NULL DEFAULT '',
    lot_id           text NOT NULL DEFAULT '',
    lot_number       text NOT NULL DEFAULT '',
    site_id          text NOT NULL DEFAULT '',
    country          text NOT NULL DEFAULT 'VN',
    status           text NOT NULL DEFAULT 'VALID'
);
CREATE INDEX IF NOT EXISTS record_doses_person ON record_doses (person_id);
CREATE INDEX IF NOT EXISTS record_doses_lot ON record_doses (lot_id);
CREATE INDEX IF NOT EXISTS record_doses_presentation ON record_doses (presentation_id);

CREATE TABLE IF NOT EXISTS record_lots (
    lot_id          text PRIMARY KEY,
    lot_number      text NOT NULL DEFAULT '',
    presentation_id text NOT NULL DEFAULT '',
    status          text NOT NULL DEFAULT 'RELEASED'
);

CREATE TABLE IF NOT EXISTS record_presentations (
    presentation_id     text PRIMARY KEY,
    version             integer NOT NULL,
    vaccine_code        text NOT NULL,
    brand               text NOT NULL,
    manufacturer        text NOT NULL,
    series_doses        integer NOT NULL,
    platform            text NOT NULL
);

CREATE TABLE IF NOT EXISTS record_next_dose (
    person_id       text PRIMARY KEY,
    series          text NOT NULL,
    dose_number     integer NOT NULL,
    earliest_date   text NOT NULL,
    due_date        text NOT NULL,
    latest_date     text NOT NULL
);

CREATE SEQUENCE IF NOT EXISTS certificate_pending_mark;
CREATE TABLE IF NOT EXISTS certificate_pending (
    person_id   text PRIMARY KEY,
    mark        bigint NOT NULL,
    marked_at   timestamptz NOT NULL DEFAULT now()
);

-- Written by the issuer before it appends CertificateIssued (first write wins; see issuer.py).
CREATE TABLE IF NOT EXISTS certificate_documents (
    certificate_id  text PRIMARY KEY,
    person_id       text NOT NULL,
    format          text NOT NULL,
    content         text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);

-- Projection certificate_views (the service's own topic): certificates and their status; the revocation
-- list and the SMART Health Card CRLs are queries over it, versioned by list_versions.
CREATE TABLE IF NOT EXISTS certificate_view (
    certificate_id  text PRIMARY KEY,
    person_id       text NOT NULL,
    format          text NOT NULL,
    level           text NOT NULL,
    key_id          text NOT NULL,
    dose_ids        text[] NOT NULL,
    status          text NOT NULL,
    reason          text NOT NULL DEFAULT '',
    replaced_by     text NOT NULL DEFAULT '',
    current         boolean NOT NULL DEFAULT true,
    issued_at       timestamptz NOT NULL,
    expires_at      timestamptz NOT NULL,
    changed_at      timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS certificate_view_person ON certificate_view (person_id);

CREATE TABLE IF NOT EXISTS list_versions (
    list     text PRIMARY KEY,
    version  bigint NOT NULL
);
