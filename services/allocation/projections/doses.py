"""Projection ``doses_given``: doses given per site, product, series and dose number (immunization topic);
the basis of second-dose reserves and progress-based top-ups. A dose entered in error is voided.

Reserves follow the doses (issue 17): a PRIMARY first or second dose given, or entered in error, also queues its
site and product in ``reserve_pending`` (same transaction); :class:`ReserveWorker` recomputes the reserves of the
site's unit and product (:func:`services.allocation.domain.reservations.to_follow`) through the command bus, then
deletes the row (:mod:`eventkit.work_queue`). A recompute sets a reserve to what the read models say the cohort
needs and appends only the difference, so a row done twice (a crash before the delete, a rebuild that queues the
doses again) appends nothing more, and one row stands for every dose of its site and product queued before the
worker takes it. A dose that arrives while the worker holds the row waits for the worker's transaction and queues
the row again (``_queue``), so the recompute that missed it is followed by one that counts it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from eventkit.envelope import CommandContext
from eventkit.projections import Projection
from eventkit.readmodels import declare
from eventkit.work_queue import QueueWorker
from services.allocation.domain import reservations
from services.allocation.domain.commands import RecomputeSecondDoseReserve
from services.allocation.handlers.aggregates import RESERVE
from vaxtrail.immunization.v1 import events_pb2 as immunization

ACTOR = "allocation-reserves"
_RESERVED = "series = 'PRIMARY' AND dose_number IN (1, 2)"
"""The doses a second-dose reserve counts (:meth:`services.allocation.queries.Queries.doses_given`)."""


def administered(conn, event, m) -> None:
    conn.execute(
        "INSERT INTO doses_given (dose_id, event_id, site_id, presentation_id, series, dose_number)"
        " VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (dose_id) DO NOTHING",
        (m.dose_id, event.event_id, m.site_id, m.presentation_id, m.series, m.dose_number))
    _queue(conn, m.dose_id)


def entered_in_error(conn, event, m) -> None:
    conn.execute("UPDATE doses_given SET voided = true WHERE dose_id = %s", (m.dose_id,))
    _queue(conn, m.dose_id)


def _queue(conn, dose_id: str) -> None:
    # Not ON CONFLICT DO NOTHING: a row the worker holds (it has read the counts and is recomputing) would swallow
    # this dose, and the worker would then delete the row with the dose uncounted - a reserve that never catches
    # up. DO UPDATE ... WHERE false changes nothing but locks the row, so the insert waits for the worker's
    # transaction: if it deleted the row, the insert is retried and queues the site and product again.
    conn.execute(f"INSERT INTO reserve_pending (site_id, presentation_id) SELECT site_id, presentation_id"
                 f" FROM doses_given WHERE dose_id = %s AND {_RESERVED}"
                 f" ON CONFLICT (site_id, presentation_id) DO UPDATE SET attempts = reserve_pending.attempts WHERE false",
                 (dose_id,))


HANDLERS = {immunization.DoseAdministered: administered, immunization.DoseEnteredInError: entered_in_error}


def doses_given() -> Projection:
    # reserve_pending is not among the tables a rebuild empties: see migrations/0003.
    return declare("doses_given", HANDLERS, tables=("doses_given",))


@dataclass(frozen=True)
class ReserveWorker(QueueWorker):
    """Drains ``reserve_pending``: recomputes the reserves a site's doses of a product change (module docstring).
    A site the supply read model does not know yet stays queued and is tried again."""

    table = "reserve_pending"
    columns = ("site_id", "presentation_id")
    keys = 2
    gate: Callable[[], bool] = lambda: True
    """False while ``doses_given`` replays a rebuild (:class:`eventkit.projections.gate.RebuildGate`): a reserve
    recomputed from part of the doses would be released and taken again."""

    def ready(self) -> bool:
        return self.gate()

    def consume(self, site_id: str, presentation_id: str) -> None:
        read = self.bus.deps.read
        unit = read.unit_of_site(site_id)
        series = read.presentation(presentation_id).series_doses
        held = self.bus.deps.fold_type(RESERVE).values()
        for store, cohort in reservations.to_follow(held, unit, presentation_id, series):
            self.bus.handle(RecomputeSecondDoseReserve(unit, presentation_id, cohort, store),
                            CommandContext(actor_id=ACTOR, actor_role="system"))
