"""The consumption process manager over the immunization topic: a projection that records the work, and a
worker component that does it.

``VialOpened`` (all the vial's doses) and ``DoseAdministered`` without a vial opening (one dose) decrement the
site's stock item. A projection may change only its own read model, so projection ``consumption`` just
records each such event in ``consumption_pending`` - in its batch transaction, with its tracking row (the
usage counts of the wastage read model are projection ``site_usage``'s, :mod:`.site_usage`). Doses given
from a vial opening consume nothing more: the vial already did.

:class:`ConsumptionWorker` (a :class:`~eventkit.work_queue.QueueWorker`) drains ``consumption_pending``: for each row it runs
:class:`~services.inventory.domain.consumption.ReportedConsumption` through the command bus - one short
transaction that appends ``StockConsumed`` or ``ConsumptionDiscrepancyDetected`` (re-decided on fresh state
when a concurrent write moved the stock item) - and then deletes the row. The store's append lock is held
for that one append only, never for a projection batch, so HTTP writes do not wait behind the topic.

Exactly once: each consumption carries the idempotency key ``consumption|<source event id>`` (its event ids
derive from it). A crash between the append and the delete, a rebuild that replays the topic, or two workers
taking the same row are all answered from the store's idempotency record and append nothing more; the metric
``vaxtrail_inventory_consumption_discrepancies_total`` counts only first answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from prometheus_client import Counter

from eventkit.envelope import CommandContext
from eventkit.projections import Projection
from eventkit.readmodels import declare
from eventkit.work_queue import QueueWorker
from services.inventory.domain import consumption
from vaxtrail.immunization.v1 import events_pb2 as immunization

CONSUMPTION_DISCREPANCIES = Counter(
    "vaxtrail_inventory_consumption_discrepancies_total",
    "Consumption reported by immunization that a site's stock could not cover (INV-28 reconciliation)",
    ["reason"],
)
ACTOR = "inventory-consumption"


def _time(timestamp) -> datetime:
    return timestamp.ToDatetime(tzinfo=UTC)


def _pending(conn, event, site: str, lot: str, doses: int, source: str, reference_id: str, at: datetime) -> None:
    conn.execute(
        "INSERT INTO consumption_pending (source_event_id, site_id, lot_id, doses, source, reference_id, consumed_at,"
        " correlation_id) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (source_event_id) DO NOTHING",
        (event.event_id, site, lot, doses, source, reference_id, at, event.correlation_id))


def vial_opened(conn, event, m: immunization.VialOpened) -> None:
    _pending(conn, event, m.site_id, m.lot_id, m.doses_in_vial, consumption.VIAL_OPENED, m.vial_opening_id,
             _time(m.opened_at))


def dose_administered(conn, event, m: immunization.DoseAdministered) -> None:
    if not m.vial_opening_id:
        _pending(conn, event, m.site_id, m.lot_id, 1, consumption.DOSE_ADMINISTERED, m.dose_id,
                 _time(m.administered_at))


def consumption_projection() -> Projection:
    # It owns no table a rebuild empties: consumption_pending is work, see migrations/0007.
    return declare("consumption", {immunization.VialOpened: vial_opened,
                                   immunization.DoseAdministered: dose_administered})


@dataclass(frozen=True)
class ConsumptionWorker(QueueWorker):
    """Drains ``consumption_pending`` through the command bus (see the module docstring and
    :mod:`eventkit.work_queue`)."""

    table = "consumption_pending"
    columns = ("source_event_id", "site_id", "lot_id", "doses", "source", "reference_id", "consumed_at",
               "correlation_id")

    def consume(self, source_event_id, site_id: str, lot_id: str, doses: int, source: str, reference_id: str,
                consumed_at: datetime, correlation_id: str) -> None:
        """One reported consumption, in its own transaction, at most once per source event."""
        source_id = str(source_event_id)
        context = CommandContext(actor_id=ACTOR, actor_role="system", correlation_id=correlation_id,
                                 causation_id=source_id, idempotency_key=f"consumption|{source_id}",
                                 request_hash=source_id)
        report = consumption.ReportedConsumption(site_id, lot_id, doses, source, source_id, reference_id, consumed_at)
        result = self.bus.handle(report, context)
        if not result.replayed:
            for reason in result.response["discrepancies"]:
                CONSUMPTION_DISCREPANCIES.labels(reason).inc()
