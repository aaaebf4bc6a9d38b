"""What the service's own events have promised from a store: the consistent half of INV-15, INV-18 and INV-19.

Pure: the handlers fold every plan, reserve and session stream of the service's own store (under that
store's lock, see :mod:`services.allocation.handlers`) and read what inventory has dispatched from the read
models; these functions combine the two into what a decision sees (:class:`SupplyPicture`,
:class:`~services.allocation.domain.sessions.DistrictStock`'s outstanding doses) and into the availability
figures the API shows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from services.allocation.domain.common import LotStock, Recipient, SupplyPicture
from services.allocation.domain.holdings import Holding
from services.allocation.domain.plans import AllocationPlan
from services.allocation.domain.reservations import Reserve
from services.allocation.domain.sessions import SessionPlan

Dispatched = Mapping[tuple[str, str, str], int]
"""Doses inventory dispatched per (reference: plan or session id, line id, lot id)."""


@dataclass(frozen=True)
class Promises:
    """The plans from one store for one presentation, and the second-dose reserve held there for it."""

    plans: Mapping[str, AllocationPlan]
    reserved: int = 0

    def released_lots(self) -> dict[tuple[str, str, str], int]:
        """Doses per (plan, line, lot) that releases picked."""
        return {(plan_id, line.line_id, lot): doses for plan_id, plan in self.plans.items()
                for line in plan.lines.values() for lot, doses in line.picked.items()}

    def first_doses_allocated(self) -> dict[str, int]:
        """First doses per recipient unit in plans that hold stock (PROGRESS top-ups)."""
        allocated: dict[str, int] = {}
        for plan in self.plans.values():
            if plan.holds_stock:
                for line in plan.lines.values():
                    if line.first_dose:
                        allocated[line.recipient_unit_id] = allocated.get(line.recipient_unit_id, 0) + line.doses
        return allocated

    def second_doses_allocated(self, unit_id: str) -> int:
        """PRIMARY second doses allocated to a unit in plans that hold stock (they shrink its reserve)."""
        return sum(line.doses for plan in self.plans.values() if plan.holds_stock for line in plan.lines.values()
                   if line.recipient_unit_id == unit_id and line.series == "PRIMARY" and line.dose_number == 2)


def promised(plans: Mapping[str, AllocationPlan], reserves: Mapping[str, Reserve], source_location_id: str,
             presentation_id: str) -> Promises:
    """What every plan and reserve of the store (all streams, folded) promise from ``source_location_id``."""
    mine = {plan_id: plan for plan_id, plan in plans.items()
            if plan.source_location_id == source_location_id and plan.presentation_id == presentation_id}
    reserved = sum(r.doses for r in reserves.values()
                   if r.held_at_location_id == source_location_id and r.presentation_id == presentation_id)
    return Promises(mine, reserved)


def supply_picture(promises: Promises, dispatched: Dispatched, *, plan_id: str, source_location_id: str,
                   presentation_id: str, doses_per_vial: int, lots: tuple[LotStock, ...],
                   recipients: dict[str, Recipient], today: date) -> SupplyPicture:
    """What a decision on ``plan_id`` sees at its source: what *other* plans still hold, net of dispatches."""
    def shipped(pid: str) -> int:
        return sum(doses for (ref, _, _), doses in dispatched.items() if ref == pid)

    others = {k: p for k, p in promises.plans.items() if k != plan_id and p.holds_stock}
    committed = sum(max(0, p.total - shipped(k)) for k, p in others.items())
    non_first = sum(line.doses for p in others.values() for line in p.lines.values() if not line.first_dose)
    outstanding: dict[str, int] = {}
    for (pid, line_id, lot), doses in promises.released_lots().items():
        left = max(0, doses - dispatched.get((pid, line_id, lot), 0))
        outstanding[lot] = outstanding.get(lot, 0) + left
    holdings = tuple(Holding(max(0, p.total - shipped(k)), frozenset(p.lot_ids)) for k, p in others.items())
    return SupplyPicture(source_location_id, presentation_id, doses_per_vial, lots, recipients, committed, non_first,
                         promises.reserved, shipped(plan_id), outstanding, today, holdings)


def availability(picture: SupplyPicture) -> dict[str, int]:
    """What plans from the picture's store can still take: the numbers INV-15 and INV-18 check against."""
    usable = sum(lot.on_hand for lot in picture.lots if lot.usable)
    free = usable - picture.committed_elsewhere
    reserve_left = max(0, picture.reserved - picture.committed_non_first_elsewhere)
    return {"usable": usable, "committed": picture.committed_elsewhere, "reserved": picture.reserved,
            "free": free, "free_for_first_doses": free - reserve_left}


def dispensed_from(sessions: Mapping[str, SessionPlan], district_location_id: str) -> dict[tuple[str, str], int]:
    """Doses dispensed per (session, lot) from one district store."""
    return {(session_id, lot): doses for session_id, session in sessions.items()
            if session.district_health_centre_id == district_location_id
            for lot, doses in session.dispensed_lots.items()}


def outstanding_at_district(dispensed: Mapping[tuple[str, str], int], shipped: Dispatched) -> dict[str, int]:
    """Per lot, what sessions were dispensed and inventory has not yet moved to their sites."""
    outstanding: dict[str, int] = {}
    for (session_id, lot), doses in dispensed.items():
        done = sum(v for (ref, _, x), v in shipped.items() if ref == session_id and x == lot)
        outstanding[lot] = outstanding.get(lot, 0) + max(0, doses - done)
    return outstanding
