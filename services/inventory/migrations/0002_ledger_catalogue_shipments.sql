-- inventory read models (projections stock_on_hand, catalogue, shipments); every table is rebuildable
-- from the inventory topic. No foreign keys: events of different aggregates arrive in any order.
ALTER TABLE stock_on_hand ADD COLUMN IF NOT EXISTS vvm_stage integer NOT NULL DEFAULT 0;

-- One row per ledger movement of a stock item (signed doses), for balances as of any date and stock cards.
CREATE TABLE IF NOT EXISTS stock_ledger (
    event_id        uuid        PRIMARY KEY,
    position        bigint      NOT NULL,
    location_id     text        NOT NULL,
    lot_id          text        NOT NULL,
    presentation_id text        NOT NULL,
    occurred_at     timestamptz NOT NULL,
    kind            text        NOT NULL,   -- RECEIPT | ISSUE | TRANSFER_IN | ADJUSTMENT | COUNT | REVERSAL
    doses           bigint      NOT NULL,
    vials           integer     NOT NULL,
    reason          text        NOT NULL DEFAULT '',
    closed_vial     boolean     NOT NULL DEFAULT false,
    reference       text        NOT NULL DEFAULT '',   -- shipment id, reversed event id, source reference
    counterpart     text        NOT NULL DEFAULT ''    -- the other location of a transfer
);
CREATE INDEX IF NOT EXISTS stock_ledger_item ON stock_ledger (location_id, lot_id, occurred_at);

CREATE TABLE IF NOT EXISTS locations (
    location_id          text PRIMARY KEY,
    kind                 text NOT NULL,
    name                 text NOT NULL,
    parent_id            text NOT NULL,
    province_code        text NOT NULL,
    district_code        text NOT NULL,
    supplied_by          text[] NOT NULL,
    storage_capabilities text[] NOT NULL,
    active_from          date NOT NULL
);

CREATE TABLE IF NOT EXISTS presentations (
    presentation_id text    NOT NULL,
    version         integer NOT NULL,
    brand           text    NOT NULL,
    manufacturer    text    NOT NULL,
    doses_per_vial  integer NOT NULL,
    storage         text    NOT NULL,
    has_vvm         boolean NOT NULL,
    PRIMARY KEY (presentation_id, version)
);

CREATE TABLE IF NOT EXISTS lots (
    lot_id               text PRIMARY KEY,
    lot_number           text NOT NULL,
    presentation_id      text NOT NULL,
    presentation_version integer NOT NULL,
    manufacture_date     date NOT NULL,
    label_expiry_date    date NOT NULL,
    extended_expiry_date date,
    funding_source       text NOT NULL
);

-- Every suspend / release / recall decision, so a lot's state can be read as of any date.
CREATE TABLE IF NOT EXISTS lot_decisions (
    event_id   uuid        PRIMARY KEY,
    lot_id     text        NOT NULL,
    scope      text        NOT NULL,
    scope_id   text        NOT NULL,
    status     text        NOT NULL,
    reason     text        NOT NULL,
    decided_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS lot_decisions_lot ON lot_decisions (lot_id, decided_at);

CREATE TABLE IF NOT EXISTS shipments (
    shipment_id        text PRIMARY KEY,
    from_location_id   text NOT NULL,
    to_location_id     text NOT NULL,
    presentation_id    text NOT NULL,
    status             text NOT NULL,
    dispatched_at      timestamptz NOT NULL,
    closed_at          timestamptz,
    allocation_plan_id text NOT NULL DEFAULT '',
    allocation_line_id text NOT NULL DEFAULT ''
);

CREATE TABLE IF NOT EXISTS shipment_lines (
    shipment_id      text    NOT NULL,
    lot_id           text    NOT NULL,
    doses            bigint  NOT NULL,
    vials            integer NOT NULL,
    accepted_doses   bigint,
    rejected_doses   bigint,
    rejection_reason text    NOT NULL DEFAULT '',
    PRIMARY KEY (shipment_id, lot_id)
);
