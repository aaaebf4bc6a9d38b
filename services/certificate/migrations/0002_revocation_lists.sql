-- The signed revocation list of every published version (issue 17): written by the handler of
-- PublishRevocationList (first write wins, like certificate_documents), one row per RevocationListPublished;
-- GET /v1/revocation-list and the SMART Health Card CRLs serve the latest row.
CREATE TABLE IF NOT EXISTS revocation_lists (
    version       bigint PRIMARY KEY,
    signed        text NOT NULL,
    published_at  timestamptz NOT NULL DEFAULT now()
);
