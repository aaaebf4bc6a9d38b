"""Projection ``allocations`` over the allocation topic: each allocation line's recipient and the doses
allocated and released, so a dispatch that names an allocation line can be checked locally (the service
never asks allocation over HTTP)."""

from __future__ import annotations

from eventkit.codec import decode_message
from eventkit.projections import Projection
from eventkit.topics import event_topic
from vaxtrail.allocation.v1 import events_pb2 as allocation

ALLOC = "vaxtrail.allocation.v1."


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
    ALLOC + "BatchAllocated": batch_allocated,
    ALLOC + "AllocationReleased": allocation_released,
    ALLOC + "AllocationLineAmended": line_amended,
    ALLOC + "AllocationCancelled": allocation_cancelled,
}


def allocations(settings, codec) -> Projection:
    every = {m.full_name for m in allocation.DESCRIPTOR.message_types_by_name.values()}
    return Projection(name="allocations", topics=(event_topic("allocation"),), handlers=HANDLERS,
                      ignored=frozenset(every - HANDLERS.keys()), tables=("allocation_lines",), decoder=decode_message)


class AllocationLines:
    """Lookups over the ``allocation_lines`` read model (and shipments already sent against a line)."""

    def __init__(self, pool) -> None:
        self._pool = pool

    def line(self, plan_id: str, line_id: str) -> dict | None:
        with self._pool.connection() as conn:
            row = conn.execute(
                "SELECT a.recipient_unit_id, a.recipient_unit_kind, a.doses_allocated, a.doses_released, a.cancelled,"
                " coalesce((SELECT sum(l.doses) FROM shipments s JOIN shipment_lines l USING (shipment_id)"
                "   WHERE s.allocation_plan_id = a.plan_id AND s.allocation_line_id = a.line_id), 0)::bigint"
                " FROM allocation_lines a WHERE a.plan_id = %s AND a.line_id = %s", (plan_id, line_id)).fetchone()
        if row is None:
            return None
        return {"recipient_unit_id": row[0], "recipient_unit_kind": row[1], "doses_allocated": row[2],
                "doses_released": row[3], "cancelled": row[4], "doses_shipped": row[5]}
