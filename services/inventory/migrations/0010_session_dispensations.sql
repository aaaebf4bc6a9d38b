-- Session dispensations (issue 17): what a district dispensed to each session's site, per lot, from allocation's
-- SessionStockDispensed (projection dispensations, a new name, so it starts at offset 0). A dispatch to a site
-- cites the session (shipments.session_id) and is checked against these rows (INV-15 / INV-17).
CREATE TABLE IF NOT EXISTS session_dispensations (
    session_id       text   NOT NULL,
    lot_id           text   NOT NULL,
    from_location_id text   NOT NULL,
    to_site_id       text   NOT NULL,
    doses            bigint NOT NULL,
    PRIMARY KEY (session_id, lot_id)
);

ALTER TABLE shipments ADD COLUMN IF NOT EXISTS session_id text NOT NULL DEFAULT '';
CREATE INDEX IF NOT EXISTS shipments_session ON shipments (session_id) WHERE session_id <> '';
