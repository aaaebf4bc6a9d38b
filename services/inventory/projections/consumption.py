"""Projection ``consumption`` (a process manager) over the immunization topic.

``VialOpened`` (all the vial's doses) and ``DoseAdministered`` without a vial opening (one dose) decrement
the site's stock item: the decision (:mod:`services.inventory.domain.consumption`) appends ``StockConsumed``
or, when the books cannot cover it, ``ConsumptionDiscrepancyDetected`` (plus a metric) to the inventory
event store. The append runs on the projection's own connection, inside its batch transaction, so the
new events, the tracking row and the processed event id commit together: exactly once. Each append also
carries an idempotency key derived from the immunization event id, so a rebuild that replays the topic
never consumes twice. A conflicting concurrent write to the same stock item is retried.

The projection also keeps ``site_usage`` (doses opened, administered, open-vial residuals) for the
wastage read model. Doses given from a vial opening consume nothing more: the vial already did.
"""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime

from eventkit.aggregates import Repository
from eventkit.codec import decode_message
from eventkit.envelope import CommandContext
from eventkit.errors import ConcurrencyConflict, DomainError
from eventkit.projections import Projection
from eventkit.store.postgres import PostgresEventStore
from eventkit.topics import event_topic
from services.inventory.domain import consumption, ledger
from services.inventory.handlers.base import STOCK_ITEM, Change, HandlerBase
from services.inventory.metrics import CONSUMPTION_DISCREPANCIES
from vaxtrail.immunization.v1 import events_pb2 as immunization

IMM = "vaxtrail.immunization.v1."
ATTEMPTS = 5


class _BoundPool:
    """A pool of one: the projection's connection (so the store appends inside its transaction)."""

    def __init__(self, conn) -> None:
        self._conn = conn

    @contextlib.contextmanager
    def connection(self):
        yield self._conn


def _time(timestamp) -> datetime:
    return timestamp.ToDatetime(tzinfo=UTC)


def _usage(conn, site: str, lot: str, *, opened: int = 0, administered: int = 0, residual: int = 0) -> None:
    conn.execute(
        "INSERT INTO site_usage (location_id, lot_id, doses_opened, doses_administered, residual_doses)"
        " VALUES (%s, %s, %s, %s, %s) ON CONFLICT (location_id, lot_id) DO UPDATE SET"
        " doses_opened = site_usage.doses_opened + excluded.doses_opened,"
        " doses_administered = site_usage.doses_administered + excluded.doses_administered,"
        " residual_doses = site_usage.residual_doses + excluded.residual_doses",
        (site, lot, opened, administered, residual))


def consumption_projection(settings, codec) -> Projection:
    def apply(conn, event, report: consumption.ReportedConsumption) -> None:
        base = HandlerBase(Repository(PostgresEventStore(_BoundPool(conn), service=settings.service), codec,
                                      producer=settings.producer),
                           codec, clock=lambda: datetime.now(UTC), producer=settings.producer)
        context = CommandContext(actor_id="inventory-consumption", actor_role="system",
                                 correlation_id=event.correlation_id, causation_id=str(event.event_id),
                                 idempotency_key=f"consumption|{event.event_id}")
        item_id = ledger.stock_item_id(report.site_id, report.lot_id)
        for attempt in range(1, ATTEMPTS + 1):
            state, version = base.load_item(report.site_id, report.lot_id)
            try:
                ctx, missing = base.stock_context(report.site_id, report.lot_id), ""
            except DomainError as error:
                ctx, missing = None, "UNKNOWN_SITE" if error.rule == "INV-4" else "UNKNOWN_LOT"
            events = consumption.consume(state, report, ctx, missing)
            try:
                result = base.append([Change(STOCK_ITEM, item_id, version, events)], context, str(event.event_id))
            except ConcurrencyConflict:
                if attempt == ATTEMPTS:
                    raise
                continue
            if not result.replayed:
                for flagged in events:
                    if isinstance(flagged, ledger.ConsumptionDiscrepancyDetected):
                        CONSUMPTION_DISCREPANCIES.labels(flagged.reason).inc()
            return

    def vial_opened(conn, event, message) -> None:
        _usage(conn, message.site_id, message.lot_id, opened=message.doses_in_vial)
        apply(conn, event, consumption.ReportedConsumption(
            message.site_id, message.lot_id, message.doses_in_vial, consumption.VIAL_OPENED, str(event.event_id),
            message.vial_opening_id, _time(message.opened_at)))

    def dose_administered(conn, event, message) -> None:
        _usage(conn, message.site_id, message.lot_id, administered=1)
        if message.vial_opening_id:
            return
        apply(conn, event, consumption.ReportedConsumption(
            message.site_id, message.lot_id, 1, consumption.DOSE_ADMINISTERED, str(event.event_id), message.dose_id,
            _time(message.administered_at)))

    def vial_discarded(conn, event, message) -> None:
        _usage(conn, message.site_id, message.lot_id, residual=message.residual_doses)

    handlers = {IMM + "VialOpened": vial_opened, IMM + "DoseAdministered": dose_administered,
                IMM + "VialDiscarded": vial_discarded}
    every = {m.full_name for m in immunization.DESCRIPTOR.message_types_by_name.values()}
    return Projection(name="consumption", topics=(event_topic("immunization"),), handlers=handlers,
                      ignored=frozenset(every - handlers.keys()), tables=("site_usage",), decoder=decode_message)
