"""Session and second-dose reserve handlers: planning a session, dispensing to its site, recomputing a reserve.

Dispensing runs under the lock of the session's district store, a reserve recompute under the lock of its
holding store (:data:`services.allocation.handlers.PROMISES_FROM`): both read what every other session or
plan of that store promised.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from eventkit.aggregates import Reply, Transaction
from eventkit.clock import campaign_date
from eventkit.errors import NotFound
from services.allocation.domain import commands, promises, reservations, sessions
from services.allocation.handlers.aggregates import RESERVE, SESSION
from services.allocation.handlers.supply import promised, with_positions

if TYPE_CHECKING:
    from services.allocation.handlers import Deps


def plan_session(tx: Transaction, command: sessions.PlanSession, deps: Deps) -> Reply:
    state = tx.load(SESSION, command.session_id)
    site, _ = deps.read.site(command.site_id)
    tx.append(SESSION, command.session_id,
              with_positions(deps, sessions.plan_session(state, command, site, deps.clock(), deps.zone)))
    return Reply(command.session_id)


def existing_session(state: sessions.SessionPlan, session_id: str) -> sessions.SessionPlan:
    if not state.session_id:
        raise NotFound(f"no session {session_id}", field="session_id")
    return state


def dispense(tx: Transaction, command: commands.DispenseToSession, deps: Deps) -> Reply:
    state = existing_session(tx.load(SESSION, command.session_id), command.session_id)
    district = state.district_health_centre_id
    now = deps.clock()
    dispensed = promises.dispensed_from(deps.fold_type(SESSION), district)
    shipped = deps.read.dispatched(sorted({session_id for session_id, _ in dispensed}))
    stock = sessions.DistrictStock(deps.read.presentation(state.presentation_id).doses_per_vial,
                                   deps.read.lots_at(district, state.presentation_id,
                                                     campaign_date(now, deps.zone)),
                                   promises.outstanding_at_district(dispensed, shipped))
    tx.append(SESSION, command.session_id, with_positions(deps, sessions.dispense(state, command.lines, stock, now)))
    return Reply(command.session_id)


def holding_store(command: commands.RecomputeSecondDoseReserve, deps: Deps) -> str:
    """The national store, or the national / province store the command names (INV-18)."""
    if command.held_at_location_id is None:
        return deps.read.store_of("NATIONAL", "", None)
    return deps.read.holding_store(command.held_at_location_id)


def recompute_reserve(tx: Transaction, command: commands.RecomputeSecondDoseReserve, deps: Deps) -> Reply:
    source = holding_store(command, deps)
    presentation = deps.read.presentation(command.presentation_id)
    reserve_id = reservations.reservation_id(source, command.unit_id, command.presentation_id)
    state = tx.load(RESERVE, reserve_id)
    first, second = deps.read.doses_given(command.unit_id, command.presentation_id)
    allocated = promised(deps, source, command.presentation_id).second_doses_allocated(command.unit_id)
    recompute = reservations.RecomputeReserve(source, command.unit_id, command.presentation_id, command.cohort,
                                              first, second, allocated, presentation.series_doses)
    after = tx.append(RESERVE, reserve_id, with_positions(deps, reservations.recompute(state, recompute, deps.clock())))
    return Reply(reserve_id, {"reserved_doses": after.doses})
