-- inventory read models from other services' topics: site usage (immunization) and allocation lines.
CREATE TABLE IF NOT EXISTS site_usage (
    location_id        text   NOT NULL,
    lot_id             text   NOT NULL,
    doses_opened       bigint NOT NULL DEFAULT 0,   -- doses in vials opened (VialOpened)
    doses_administered bigint NOT NULL DEFAULT 0,   -- DoseAdministered
    residual_doses     bigint NOT NULL DEFAULT 0,   -- open-vial wastage (VialDiscarded residual)
    PRIMARY KEY (location_id, lot_id)
);

CREATE TABLE IF NOT EXISTS allocation_lines (
    plan_id             text   NOT NULL,
    line_id             text   NOT NULL,
    recipient_unit_id   text   NOT NULL,
    recipient_unit_kind text   NOT NULL,
    doses_allocated     bigint NOT NULL,
    doses_released      bigint NOT NULL DEFAULT 0,
    cancelled           boolean NOT NULL DEFAULT false,
    PRIMARY KEY (plan_id, line_id)
);

-- ConsumptionDiscrepancyDetected, for reconciliation (projection stock_on_hand).
CREATE TABLE IF NOT EXISTS consumption_discrepancies (
    event_id        uuid        PRIMARY KEY,
    location_id     text        NOT NULL,
    lot_id          text        NOT NULL,
    source          text        NOT NULL,
    source_event_id text        NOT NULL,
    reference_id    text        NOT NULL,
    doses           bigint      NOT NULL,
    balance_doses   bigint      NOT NULL,
    reason          text        NOT NULL,
    detail          text        NOT NULL,
    consumed_at     timestamptz NOT NULL
);
