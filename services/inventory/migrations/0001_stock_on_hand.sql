-- inventory read model: stock on hand per location x presentation x lot (projection stock_on_hand).
CREATE TABLE IF NOT EXISTS stock_on_hand (
    location_id     text        NOT NULL,
    lot_id          text        NOT NULL,
    presentation_id text        NOT NULL,
    doses           bigint      NOT NULL,
    vials           integer     NOT NULL,
    last_event_at   timestamptz NOT NULL,
    PRIMARY KEY (location_id, lot_id)
);
