-- Second-dose reserves to recompute (issue 17): projection doses_given queues the site and product of each
-- PRIMARY first or second dose given or entered in error, in the same transaction as the dose; the reserve
-- worker recomputes the reserves of the site's unit and product through the command bus and deletes the row.
-- One row per (site, product) however many doses arrive meanwhile: a recompute reads the counts as they are then,
-- so a burst of doses is followed by one recompute. Not truncated by a rebuild: work whose result (a reserve that
-- converges on the read models) is in the event store.
CREATE TABLE IF NOT EXISTS reserve_pending (
    site_id         text      NOT NULL,
    presentation_id text      NOT NULL,
    seq             bigserial NOT NULL,
    attempts        integer   NOT NULL DEFAULT 0,
    PRIMARY KEY (site_id, presentation_id)
);
CREATE INDEX IF NOT EXISTS reserve_pending_order ON reserve_pending (attempts, seq);
