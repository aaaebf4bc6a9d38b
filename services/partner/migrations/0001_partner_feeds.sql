-- The partner service's read models (rebuilt from the topics) and its feed outbox (never truncated).

-- Grants, from the service's own topic.
CREATE TABLE IF NOT EXISTS partner_grants (
    partner      text PRIMARY KEY,
    feeds        text[] NOT NULL,
    principal    text NOT NULL,
    group_prefix text NOT NULL,
    topics       text[] NOT NULL,
    active       boolean NOT NULL,
    changed_at   timestamptz NOT NULL
);

-- The minimised person: what the feeds carry, nothing else (no name, national ID, phone, date of birth, address).
CREATE TABLE IF NOT EXISTS partner_people (
    person_id     text PRIMARY KEY,
    birth_year    integer NOT NULL,
    sex           text NOT NULL,
    province_code text NOT NULL,
    district_code text NOT NULL
);

-- Doses without their person's details, kept so that a partner granted later (or a person registered after
-- its dose arrived from another topic) is served from them.
CREATE TABLE IF NOT EXISTS partner_doses (
    source_event_id uuid PRIMARY KEY,
    person_id       text NOT NULL,
    site_id         text NOT NULL,
    product_id      text NOT NULL,
    vaccine_code    text NOT NULL,
    lot_number      text NOT NULL,
    series          text NOT NULL,
    dose_number     integer NOT NULL,
    day             date NOT NULL
);
CREATE INDEX IF NOT EXISTS partner_doses_person ON partner_doses (person_id);

CREATE TABLE IF NOT EXISTS partner_lots (
    lot_id      text PRIMARY KEY,
    lot_number  text NOT NULL,
    product_id  text NOT NULL,
    expiry_date text NOT NULL
);

-- The outbox the feed relay publishes (services/partner/feeds/outbox.py). Not a read model: a rebuild keeps it,
-- and re-derived records meet their record_id here and are not stored twice.
CREATE TABLE IF NOT EXISTS feed_outbox (
    position        bigserial PRIMARY KEY,
    record_id       uuid NOT NULL UNIQUE,
    topic           text NOT NULL,
    feed            text NOT NULL,
    partner         text NOT NULL,
    record_key      bytea NOT NULL,
    record_type     text NOT NULL,
    value           bytea NOT NULL,
    source_event_id uuid NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS feed_outbox_source ON feed_outbox (source_event_id);
