"""Reference-data handlers: locations, presentations, lots, lot decisions (and the lot review an AEFI classified
A2 opens), and the seed file in one append."""

from __future__ import annotations

from typing import TYPE_CHECKING

from eventkit.aggregates import AggregateSpec, Reply, Transaction
from eventkit.clock import campaign_date
from services.inventory.domain import lots, reference
from services.inventory.handlers.aggregates import (
    LOCATION,
    LOT,
    PRESENTATION,
    known_locations,
    presentation_version,
)
from services.inventory.seed import LoadSeed

if TYPE_CHECKING:
    from services.inventory.handlers import Deps


def _answer(aggregate_id: str) -> Reply:
    return Reply(aggregate_id, {"aggregate_id": aggregate_id})


def _decide_on(tx: Transaction, spec: AggregateSpec, aggregate_id: str, decide) -> Reply:
    """Decide on one aggregate's state and append what was decided."""
    tx.append(spec, aggregate_id, decide(tx.load(spec, aggregate_id)))
    return _answer(aggregate_id)


def register_location(tx: Transaction, command: reference.RegisterLocation, deps: Deps) -> Reply:
    return _decide_on(tx, LOCATION, reference.location_aggregate_id(command.location_id),
                      lambda state: reference.register_location(state, command, known=known_locations(tx, command)))


def deactivate_location(tx: Transaction, command: reference.DeactivateLocation, deps: Deps) -> Reply:
    return _decide_on(tx, LOCATION, reference.location_aggregate_id(command.location_id),
                      lambda state: reference.deactivate_location(state, command))


def define_presentation(tx: Transaction, command: reference.DefinePresentation, deps: Deps) -> Reply:
    return _decide_on(tx, PRESENTATION, reference.presentation_aggregate_id(command.presentation_id),
                      lambda state: reference.define_presentation(state, command))


def register_lot(tx: Transaction, command: lots.RegisterLot, deps: Deps) -> Reply:
    return _decide_on(tx, LOT, lots.lot_aggregate_id(command.lot_id), lambda state: lots.register_lot(
        state, command, presentation_version(tx, command.presentation_id, command.presentation_version),
        today=campaign_date(deps.clock(), deps.zone)))


def change_lot_status(tx: Transaction, command: lots.ChangeLotStatus, deps: Deps) -> Reply:
    return _decide_on(tx, LOT, lots.lot_aggregate_id(command.lot_id),
                      lambda state: lots.change_lot_status(state, command, now=deps.clock(), zone=deps.zone))


def open_lot_review(tx: Transaction, command: lots.OpenLotReview, deps: Deps) -> Reply:
    return _decide_on(tx, LOT, lots.lot_aggregate_id(command.lot_id),
                      lambda state: lots.open_lot_review(state, command, now=deps.clock()))


def extend_lot_expiry(tx: Transaction, command: lots.ExtendLotExpiry, deps: Deps) -> Reply:
    return _decide_on(tx, LOT, lots.lot_aggregate_id(command.lot_id),
                      lambda state: lots.extend_lot_expiry(state, command, now=deps.clock(), zone=deps.zone))


def load_seed(tx: Transaction, command: LoadSeed, deps: Deps) -> Reply:
    """Register everything of the seed not registered yet, in one atomic append (a second load appends nothing).

    The transaction sees what it has decided so far: locations come parents first, so each one's parent and
    suppliers are known by its turn; versions of one presentation follow each other; lots find the
    presentation versions defined just before them.
    """
    tx.load_many(LOCATION, [reference.location_aggregate_id(c.location_id) for c in command.locations])
    tx.load_many(PRESENTATION, [reference.presentation_aggregate_id(c.presentation_id) for c in command.presentations])
    tx.load_many(LOT, [lots.lot_aggregate_id(c.lot_id) for c in command.lots])
    today, appended = campaign_date(deps.clock(), deps.zone), 0
    for location in command.locations:
        aggregate_id = reference.location_aggregate_id(location.location_id)
        events = reference.register_location(tx.load(LOCATION, aggregate_id), location,
                                             known=known_locations(tx, location))
        tx.append(LOCATION, aggregate_id, events)
        appended += len(events)
    for presentation in command.presentations:
        aggregate_id = reference.presentation_aggregate_id(presentation.presentation_id)
        events = reference.define_presentation(tx.load(PRESENTATION, aggregate_id), presentation)
        tx.append(PRESENTATION, aggregate_id, events)
        appended += len(events)
    for registration in command.lots:
        aggregate_id = lots.lot_aggregate_id(registration.lot_id)
        defined = presentation_version(tx, registration.presentation_id, registration.presentation_version)
        events = lots.register_lot(tx.load(LOT, aggregate_id), registration, defined, today=today)
        tx.append(LOT, aggregate_id, events)
        appended += len(events)
    return Reply(f"reference.v{command.version}", {"seed_version": command.version, "appended": appended})
