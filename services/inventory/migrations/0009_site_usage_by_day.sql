-- Site usage per campaign day (issue 17), so wastage over a date range counts open-vial wastage too. The totals
-- without a day, kept by projection consumption until now, cannot be dated after the fact: the table is
-- recreated and projection site_usage (a new name, so it starts at offset 0) fills it from the immunization topic.
DROP TABLE IF EXISTS site_usage;
CREATE TABLE site_usage (
    location_id        text   NOT NULL,
    lot_id             text   NOT NULL,
    usage_day          date   NOT NULL,             -- campaign day of the event's business time
    doses_opened       bigint NOT NULL DEFAULT 0,   -- doses in vials opened (VialOpened)
    doses_administered bigint NOT NULL DEFAULT 0,   -- DoseAdministered
    residual_doses     bigint NOT NULL DEFAULT 0,   -- open-vial wastage (VialDiscarded residual)
    PRIMARY KEY (location_id, lot_id, usage_day)
);
CREATE INDEX IF NOT EXISTS site_usage_day ON site_usage (location_id, usage_day);
