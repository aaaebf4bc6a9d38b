"""What the service's own event store says about doses already promised: the consistent half of INV-15,
INV-18 and INV-19 (the read models of other services are eventually consistent; our own store is not).

Commands that promise doses from a store run under a PostgreSQL advisory lock on that store
(:meth:`Ledger.guard`), held from reading the ledger until the append commits, so two plans (or two
dispensings) deciding at once cannot both pass on the same free doses. The ledger folds every plan,
reserve and session event on each such command: fine for thousands of plans; snapshot it if that grows.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field

from services.allocation.domain import plans, reservations, sessions


@dataclass
class Promises:
    """Folded view of the own store for one source store and presentation."""

    plans: dict[str, plans.AllocationPlan] = field(default_factory=dict)
    released_lots: dict[tuple[str, str, str], int] = field(default_factory=dict)
    reserved: int = 0
    dispensed: dict[tuple[str, str], int] = field(default_factory=dict)


class Ledger:
    def __init__(self, pool, codec) -> None:
        self._pool = pool
        self._codec = codec

    @contextlib.contextmanager
    def guard(self, location_id: str) -> Iterator[None]:
        """Serialise promise-making commands on one store across processes (session advisory lock)."""
        with self._pool.connection() as conn:
            conn.execute("SELECT pg_advisory_lock(hashtext(%s))", (f"allocation:{location_id}",))
            conn.commit()
            try:
                yield
            finally:
                conn.execute("SELECT pg_advisory_unlock(hashtext(%s))", (f"allocation:{location_id}",))
                conn.commit()

    def _events(self, aggregate_type: str) -> Iterator[tuple[str, object]]:
        with self._pool.connection() as conn:
            rows = conn.execute("SELECT aggregate_id, event_type, payload FROM events WHERE aggregate_type = %s"
                                " ORDER BY position", (aggregate_type,)).fetchall()
        for aggregate_id, event_type, payload in rows:
            yield aggregate_id, self._codec.decode(event_type, bytes(payload))

    def all_plans(self) -> dict[str, plans.AllocationPlan]:
        """Every plan folded from the store (for listings; promising commands use :meth:`promises`)."""
        found: dict[str, plans.AllocationPlan] = {}
        for plan_id, event in self._events("allocation_plan"):
            found[plan_id] = plans.evolve(found.get(plan_id, plans.AllocationPlan.empty()), event)
        return found

    def promises(self, source_location_id: str, presentation_id: str) -> Promises:
        found = Promises()
        for plan_id, event in self._events("allocation_plan"):
            state = found.plans.get(plan_id, plans.AllocationPlan.empty())
            found.plans[plan_id] = plans.evolve(state, event)
            if isinstance(event, plans.AllocationReleased):
                for line in event.lines:
                    key = (plan_id, event.line_id, line.lot_id)
                    found.released_lots[key] = found.released_lots.get(key, 0) + line.doses
        found.plans = {k: p for k, p in found.plans.items()
                       if p.source_location_id == source_location_id and p.presentation_id == presentation_id}
        found.released_lots = {k: v for k, v in found.released_lots.items() if k[0] in found.plans}
        reserves: dict[str, reservations.Reserve] = {}
        for rid, event in self._events("second_dose_reserve"):
            if event.held_at_location_id == source_location_id and event.presentation_id == presentation_id:
                reserves[rid] = reservations.evolve(reserves.get(rid, reservations.Reserve.empty()), event)
        found.reserved = sum(r.doses for r in reserves.values())
        return found

    def dispensed_from(self, district_location_id: str) -> dict[tuple[str, str], int]:
        """Doses dispensed per (session, lot) from one district store."""
        dispensed: dict[tuple[str, str], int] = {}
        for session_id, event in self._events("session_plan"):
            if isinstance(event, sessions.SessionStockDispensed) and event.from_location_id == district_location_id:
                for line in event.lines:
                    key = (session_id, line.lot_id)
                    dispensed[key] = dispensed.get(key, 0) + line.doses
        return dispensed
