-- immunization: read models of the service's own topic (projection immunization_views).

CREATE TABLE IF NOT EXISTS session_view (
    session_id text PRIMARY KEY,
    site_id    text        NOT NULL,
    status     text        NOT NULL,
    opened_at  timestamptz,
    closed_at  timestamptz
);

CREATE TABLE IF NOT EXISTS visit_view (
    visit_id                 text PRIMARY KEY,
    session_id               text        NOT NULL,
    site_id                  text        NOT NULL,
    person_id                text        NOT NULL,
    checked_in_at            timestamptz NOT NULL,
    identity_method          text        NOT NULL,
    presence_code_verified   boolean     NOT NULL,
    presence_override_by     text        NOT NULL DEFAULT '',
    screening_outcome        text,
    screened_at              timestamptz,
    ruleset_id               text,
    postponed_until          date,
    contraindicated_products text[]      NOT NULL DEFAULT '{}',
    dose_id                  text,
    administered_at          timestamptz,
    not_administered_reason  text,
    observation_ended_at     timestamptz,
    observation_outcome      text
);
CREATE INDEX IF NOT EXISTS visit_view_session ON visit_view (session_id);
CREATE INDEX IF NOT EXISTS visit_view_person ON visit_view (person_id);

CREATE TABLE IF NOT EXISTS vial_view (
    vial_opening_id text PRIMARY KEY,
    session_id      text        NOT NULL,
    site_id         text        NOT NULL,
    lot_id          text        NOT NULL,
    doses_in_vial   integer     NOT NULL,
    opened_at       timestamptz NOT NULL,
    discard_at      timestamptz NOT NULL,
    doses_drawn     integer     NOT NULL DEFAULT 0,
    discarded_at    timestamptz,
    residual_doses  integer,
    discard_reason  text
);
CREATE INDEX IF NOT EXISTS vial_view_session ON vial_view (session_id);

CREATE TABLE IF NOT EXISTS dose_view (
    dose_id          text PRIMARY KEY,
    event_id         text    NOT NULL,
    person_id        text    NOT NULL,
    visit_id         text    NOT NULL DEFAULT '',
    session_id       text    NOT NULL DEFAULT '',
    site_id          text    NOT NULL DEFAULT '',
    administered_at  timestamptz,
    administered_date date   NOT NULL,
    presentation_id  text    NOT NULL DEFAULT '',
    vaccine_code     text    NOT NULL,
    lot_id           text    NOT NULL DEFAULT '',
    lot_number       text    NOT NULL DEFAULT '',
    series           text    NOT NULL,
    dose_number      integer NOT NULL,
    historical       boolean NOT NULL,
    country          text    NOT NULL DEFAULT '',
    interval_override boolean NOT NULL DEFAULT false,
    entered_in_error boolean NOT NULL DEFAULT false,
    corrections      integer NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS dose_view_person ON dose_view (person_id);
CREATE INDEX IF NOT EXISTS dose_view_site_day ON dose_view (site_id, administered_date);

CREATE TABLE IF NOT EXISTS next_dose_view (
    person_id        text PRIMARY KEY,
    series           text NOT NULL,
    dose_number      integer NOT NULL,
    earliest_date    date NOT NULL,
    due_date         date NOT NULL,
    latest_date      date,
    allowed_products text[] NOT NULL,
    schedule_rule_id text NOT NULL
);

CREATE TABLE IF NOT EXISTS aefi_view (
    aefi_id                   text PRIMARY KEY,
    person_id                 text        NOT NULL,
    serious                   boolean     NOT NULL,
    source                    text        NOT NULL,
    onset_at                  timestamptz NOT NULL,
    reported_at               timestamptz NOT NULL,
    dose_ids                  text[]      NOT NULL,
    lot_ids                   text[]      NOT NULL,
    site_ids                  text[]      NOT NULL,
    investigation_due         timestamptz,
    investigation_opened_at   timestamptz,
    classification_due        timestamptz NOT NULL,
    classified_at             timestamptz,
    causality                 text,
    lot_review_requested      boolean     NOT NULL DEFAULT false
);
