-- allocation read models of other services' topics (docs/services/allocation.md). No personal data.

-- projection supply (vaxtrail.inventory.v1): the supply tree, presentations, lots, stock per store x lot.
CREATE TABLE IF NOT EXISTS supply_locations (
    location_id       text PRIMARY KEY,
    kind              text NOT NULL,
    name              text NOT NULL,
    parent_id         text NOT NULL,
    province_code     text NOT NULL,
    district_code     text NOT NULL,
    injection_tables  integer NOT NULL,
    active_from       date,
    active_until      date,
    special_unit_type text NOT NULL
);
CREATE TABLE IF NOT EXISTS supply_presentations (
    presentation_id text    NOT NULL,
    version         integer NOT NULL,
    doses_per_vial  integer NOT NULL,
    series_doses    integer NOT NULL,
    PRIMARY KEY (presentation_id, version)
);
CREATE TABLE IF NOT EXISTS supply_lots (
    lot_id               text PRIMARY KEY,
    presentation_id      text NOT NULL,
    presentation_version integer,
    label_expiry         date,
    extended_expiry      date,
    -- RELEASED | SUSPENDED | RECALLED (national scope only; local suspensions are inventory's to enforce)
    status               text NOT NULL DEFAULT 'RELEASED'
);
CREATE TABLE IF NOT EXISTS supply_stock (
    location_id text   NOT NULL,
    lot_id      text   NOT NULL,
    doses       bigint NOT NULL,
    PRIMARY KEY (location_id, lot_id)
);
-- every stock delta by the event that caused it, so a StockMovementReversed can be undone exactly
CREATE TABLE IF NOT EXISTS supply_movements (
    event_id    uuid   NOT NULL,
    location_id text   NOT NULL,
    lot_id      text   NOT NULL,
    doses       bigint NOT NULL,
    PRIMARY KEY (event_id, location_id, lot_id)
);
-- doses inventory dispatched against an allocation line (plan id + line id) or a session (session id)
CREATE TABLE IF NOT EXISTS supply_dispatched (
    event_id     uuid   NOT NULL,
    reference_id text   NOT NULL,
    line_id      text   NOT NULL,
    lot_id       text   NOT NULL,
    doses        bigint NOT NULL,
    PRIMARY KEY (event_id, lot_id)
);
CREATE INDEX IF NOT EXISTS supply_dispatched_reference ON supply_dispatched (reference_id);

-- projection demand (vaxtrail.registration.v1): approved registrants by province and district, groups.
CREATE TABLE IF NOT EXISTS demand_people (
    person_id                 text PRIMARY KEY,
    approved                  boolean NOT NULL DEFAULT false,
    province_code             text NOT NULL DEFAULT '',
    district_health_centre_id text NOT NULL DEFAULT '',
    merged                    boolean NOT NULL DEFAULT false
);
CREATE TABLE IF NOT EXISTS demand_groups (
    person_id  text NOT NULL,
    group_code text NOT NULL,
    PRIMARY KEY (person_id, group_code)
);

-- projection doses_given (vaxtrail.immunization.v1): doses given per site and product.
CREATE TABLE IF NOT EXISTS doses_given (
    dose_id         text PRIMARY KEY,
    event_id        uuid NOT NULL,
    site_id         text NOT NULL,
    presentation_id text NOT NULL,
    series          text NOT NULL,
    dose_number     integer NOT NULL,
    voided          boolean NOT NULL DEFAULT false
);
CREATE INDEX IF NOT EXISTS doses_given_event ON doses_given (event_id);
CREATE INDEX IF NOT EXISTS demand_people_approved ON demand_people (province_code, district_health_centre_id)
    WHERE approved AND NOT merged;
CREATE INDEX IF NOT EXISTS doses_given_product ON doses_given (presentation_id, site_id) WHERE NOT voided;
