"""Queries over the ``allocations`` read model: an allocation line as inventory knows it from the allocation
topic, with the doses already shipped against it (from the ``shipments`` read model) - what a dispatch naming
the line is checked against (the service never asks allocation over HTTP)."""

from __future__ import annotations

from services.inventory.domain.allocation_lines import AllocationLine


class AllocationLines:
    def __init__(self, pool) -> None:
        self._pool = pool

    def line(self, plan_id: str, line_id: str) -> AllocationLine | None:
        if not line_id:
            return None
        with self._pool.connection() as conn:
            row = conn.execute(
                "SELECT a.recipient_unit_id, a.recipient_unit_kind, a.doses_released,"
                " coalesce((SELECT sum(l.doses) FROM shipments s JOIN shipment_lines l USING (shipment_id)"
                "   WHERE s.allocation_plan_id = a.plan_id AND s.allocation_line_id = a.line_id), 0)::bigint,"
                " a.cancelled FROM allocation_lines a WHERE a.plan_id = %s AND a.line_id = %s",
                (plan_id, line_id)).fetchone()
        return None if row is None else AllocationLine(row[0], row[1], row[2], row[3], row[4])
