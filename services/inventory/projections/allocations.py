"""Projection ``allocations`` over the allocation topic: each allocation line's recipient and the doses
allocated and released, so a dispatch that names an allocation line can be checked locally (the service
never asks allocation over HTTP; the lookup is :class:`services.inventory.queries.AllocationLines`)."""

from __future__ import annotations

from eventkit.projections import Projection
from eventkit.readmodels import declare
from vaxtrail.allocation.v1 import events_pb2 as allocation


def batch_allocated(conn, event, m) -> None:
    conn.execute("INSERT INTO allocation_lines (plan_id, line_id, recipient_unit_id, recipient_unit_kind,"
                 " doses_allocated) VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
                 (m.plan_id, m.line_id, m.recipient_unit_id, m.recipient_unit_kind, m.doses))


def allocation_released(conn, event, m) -> None:
    conn.execute("UPDATE allocation_lines SET doses_released = doses_released + %s WHERE plan_id = %s"
                 " AND line_id = %s", (m.doses, m.plan_id, m.line_id))


def line_amended(conn, event, m) -> None:
    conn.execute("UPDATE allocation_lines SET doses_allocated = doses_allocated + %s WHERE plan_id = %s"
                 " AND line_id = %s", (m.delta_doses, m.plan_id, m.line_id))


def allocation_cancelled(conn, event, m) -> None:
    conn.execute("UPDATE allocation_lines SET cancelled = true WHERE plan_id = %s AND (%s = '' OR line_id = %s)",
                 (m.plan_id, m.line_id, m.line_id))


HANDLERS = {
    allocation.BatchAllocated: batch_allocated,
    allocation.AllocationReleased: allocation_released,
    allocation.AllocationLineAmended: line_amended,
    allocation.AllocationCancelled: allocation_cancelled,
}


def allocations() -> Projection:
    return declare("allocations", HANDLERS, tables=("allocation_lines",))
