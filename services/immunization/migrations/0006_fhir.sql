-- FHIR API (docs/fhir.md): what an Immunization resource needs beyond the dose rows, and bulk export jobs.
-- The performer (DDCC:VS health worker) of a dose given here, and the administering centre's name. Rows
-- projected before this migration keep '' until `vaxtrail rebuild immunization <projection>` replays them.
ALTER TABLE dose_view ADD COLUMN IF NOT EXISTS performer_id text NOT NULL DEFAULT '';
ALTER TABLE ref_location ADD COLUMN IF NOT EXISTS name text NOT NULL DEFAULT '';
CREATE INDEX IF NOT EXISTS dose_view_event ON dose_view (event_id);

-- Bulk Data export jobs ($export): queued by the web process, built by the worker's exporter, read by the
-- requester only. Not read models (a rebuild leaves them): a job is a request and its answer.
CREATE TABLE IF NOT EXISTS fhir_export_jobs (
    job_id           text PRIMARY KEY,
    actor_id         text        NOT NULL,
    actor_role       text        NOT NULL,
    scopes           text[]      NOT NULL,
    purpose          text        NOT NULL,
    request_url      text        NOT NULL,
    types            text[]      NOT NULL,
    requested_at     timestamptz NOT NULL DEFAULT now(),
    status           text        NOT NULL DEFAULT 'QUEUED',  -- QUEUED | COMPLETE | FAILED
    transaction_time timestamptz,
    error            text        NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS fhir_export_jobs_queued ON fhir_export_jobs (requested_at) WHERE status = 'QUEUED';

CREATE TABLE IF NOT EXISTS fhir_export_files (
    job_id        text    NOT NULL REFERENCES fhir_export_jobs (job_id) ON DELETE CASCADE,
    resource_type text    NOT NULL,
    count         integer NOT NULL,
    body          text    NOT NULL,  -- NDJSON: one resource per line
    PRIMARY KEY (job_id, resource_type)
);
