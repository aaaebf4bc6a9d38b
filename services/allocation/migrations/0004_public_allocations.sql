-- projection public_allocations (own topic, vaxtrail.allocation.v1): what the public figures count as
-- allocated (lines of approved, not cancelled plans, on the day of their latest approval) and released (each
-- AllocationReleased, on its day). No person is in either table.
CREATE TABLE IF NOT EXISTS public_allocation_plans (
    plan_id     text PRIMARY KEY,
    status      text NOT NULL,
    approved_at timestamptz
);
CREATE TABLE IF NOT EXISTS public_allocation_lines (
    plan_id             text   NOT NULL,
    line_id             text   NOT NULL,
    recipient_unit_id   text   NOT NULL,
    recipient_unit_kind text   NOT NULL,
    doses               bigint NOT NULL,
    PRIMARY KEY (plan_id, line_id)
);
CREATE TABLE IF NOT EXISTS public_allocation_releases (
    event_id            uuid PRIMARY KEY,
    recipient_unit_id   text        NOT NULL,
    recipient_unit_kind text        NOT NULL,
    released_at         timestamptz NOT NULL,
    doses               bigint      NOT NULL
);
