"""Projection ``public_allocations`` (own topic): the plans' lines and releases the public figures count.

A line counts as allocated once its plan is approved (a draft or a submitted plan is not an allocation yet),
on the day of the latest approval: an amendment sends the plan back for approval, a rejection to draft, a
cancellation (only before release) removes it. Releases count on their own day. Every event type of the
topic that is not handled here is ignored explicitly (:func:`eventkit.readmodels.declare`).
"""

from __future__ import annotations

from eventkit.projections import Projection
from eventkit.readmodels import declare
from vaxtrail.allocation.v1 import events_pb2 as allocation


def _status(conn, plan_id: str, status: str, approved_at=None) -> None:
    conn.execute("INSERT INTO public_allocation_plans (plan_id, status, approved_at) VALUES (%s, %s, %s)"
                 " ON CONFLICT (plan_id) DO UPDATE SET status = excluded.status, approved_at = excluded.approved_at",
                 (plan_id, status, approved_at))


def drafted(conn, event, m) -> None:
    conn.execute("INSERT INTO public_allocation_plans (plan_id, status) VALUES (%s, 'DRAFT') ON CONFLICT DO NOTHING",
                 (m.plan_id,))


def line(conn, event, m) -> None:
    conn.execute("INSERT INTO public_allocation_lines VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
                 (m.plan_id, m.line_id, m.recipient_unit_id, m.recipient_unit_kind, m.doses))


def submitted(conn, event, m) -> None:
    _status(conn, m.plan_id, "SUBMITTED")


def approved(conn, event, m) -> None:
    _status(conn, m.plan_id, "APPROVED", event.occurred_at)


def rejected(conn, event, m) -> None:
    _status(conn, m.plan_id, "DRAFT")


def amended(conn, event, m) -> None:
    conn.execute("UPDATE public_allocation_lines SET doses = doses + %s WHERE plan_id = %s AND line_id = %s",
                 (m.delta_doses, m.plan_id, m.line_id))
    _status(conn, m.plan_id, "SUBMITTED")


def cancelled(conn, event, m) -> None:
    if m.line_id:
        conn.execute("DELETE FROM public_allocation_lines WHERE plan_id = %s AND line_id = %s", (m.plan_id, m.line_id))
    else:
        _status(conn, m.plan_id, "CANCELLED")


def released(conn, event, m) -> None:
    conn.execute("INSERT INTO public_allocation_releases VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
                 (event.event_id, m.recipient_unit_id, m.recipient_unit_kind, event.occurred_at, m.doses))


HANDLERS = {
    allocation.AllocationPlanDrafted: drafted,
    allocation.BatchAllocated: line,
    allocation.AllocationPlanSubmitted: submitted,
    allocation.AllocationPlanApproved: approved,
    allocation.AllocationPlanRejected: rejected,
    allocation.AllocationLineAmended: amended,
    allocation.AllocationCancelled: cancelled,
    allocation.AllocationReleased: released,
}


def public_allocations() -> Projection:
    return declare("public_allocations", HANDLERS,
                   tables=("public_allocation_plans", "public_allocation_lines", "public_allocation_releases"))
