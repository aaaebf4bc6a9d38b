-- The audit service's read models (docs/services/audit.md). No personal data: envelopes, payload SHA-256s
-- and link keys (ids) only.

-- Every event of the five service logs, as consumed. leaf_index is set when the sealer appends the event to
-- its log's Merkle tree (position order); chain_ok is the link check made on arrival.
CREATE TABLE audit_events (
    event_id          uuid PRIMARY KEY,
    service           text        NOT NULL,
    position          bigint      NOT NULL,
    event_type        text        NOT NULL,
    aggregate_type    text        NOT NULL,
    aggregate_id      text        NOT NULL,
    aggregate_version bigint      NOT NULL,
    occurred_at       timestamptz NOT NULL,
    recorded_at       timestamptz NOT NULL,
    producer          text        NOT NULL,
    actor_id          text        NOT NULL,
    actor_role        text        NOT NULL,
    correlation_id    text        NOT NULL,
    causation_id      text        NOT NULL,
    payload_sha256    bytea       NOT NULL,
    prev_hash         bytea       NOT NULL,
    hash              bytea       NOT NULL,
    chain_ok          boolean     NOT NULL,
    keys              text[]      NOT NULL,
    leaf_index        bigint,
    received_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_events_position ON audit_events (service, position);
CREATE INDEX audit_events_stream ON audit_events (service, aggregate_id, aggregate_version);
CREATE INDEX audit_events_unsealed ON audit_events (service, position) WHERE leaf_index IS NULL;
CREATE UNIQUE INDEX audit_events_leaf ON audit_events (service, leaf_index) WHERE leaf_index IS NOT NULL;

-- Link key -> events naming it (services/audit/domain/links.py).
CREATE TABLE audit_links (
    key      text NOT NULL,
    event_id uuid NOT NULL,
    PRIMARY KEY (key, event_id)
);

-- Chain links that failed on arrival; reported_at is set once AuditChainBroken was appended.
CREATE TABLE audit_findings (
    service           text        NOT NULL,
    event_id          uuid        NOT NULL,
    position          bigint      NOT NULL,
    event_type        text        NOT NULL,
    aggregate_id      text        NOT NULL,
    aggregate_version bigint      NOT NULL,
    reason            text        NOT NULL,
    expected_hash     bytea       NOT NULL,
    found_hash        bytea       NOT NULL,
    found_at          timestamptz NOT NULL DEFAULT now(),
    reported_at       timestamptz,
    PRIMARY KEY (service, event_id)
);
CREATE INDEX audit_findings_unreported ON audit_findings (found_at) WHERE reported_at IS NULL;

-- One Merkle tree per service log: its size and root, and every perfect aligned subtree
-- (level, index) covering leaves [index * 2^level, (index + 1) * 2^level).
CREATE TABLE audit_trees (
    service       text PRIMARY KEY,
    size          bigint      NOT NULL,
    root          bytea       NOT NULL,
    last_position bigint      NOT NULL DEFAULT 0,
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE audit_tree_nodes (
    service text     NOT NULL,
    level   smallint NOT NULL,
    index   bigint   NOT NULL,
    hash    bytea    NOT NULL,
    PRIMARY KEY (service, level, index)
);

-- Where the sealer may seal up to: a frontier candidate taken at one round, usable once the consumer has
-- applied everything Kafka held at a round at least the settle time later (services/audit/sealer.py).
CREATE TABLE audit_seal_marks (
    service     text PRIMARY KEY,
    candidate   bigint      NOT NULL,
    ends        jsonb,
    taken_at    timestamptz NOT NULL
);

-- Signed checkpoints (also appended as AuditCheckpointSigned on the audit topic).
CREATE TABLE audit_checkpoints (
    service   text        NOT NULL,
    size      bigint      NOT NULL,
    root      bytea       NOT NULL,
    origin    text        NOT NULL,
    note      text        NOT NULL,
    signed_at timestamptz NOT NULL,
    PRIMARY KEY (service, size)
);
