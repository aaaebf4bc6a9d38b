"""The consumption process manager against the real PostgreSQL (no broker needed): projection ``consumption``
records the reported consumption in its batch transaction, and the consumption worker appends it later in a
short transaction of its own - exactly once, whatever is replayed or interrupted.

- the projection's batch never holds the event store's append lock (before: it appended inside the batch,
  so every HTTP write of inventory waited until the whole batch committed);
- a dose at an unknown site is flagged once, and counted once in the metric, even when the projection applies
  the same immunization event twice (as a rebuild does);
- a crash between the append and the row's removal from the queue consumes nothing twice.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import psycopg
import pytest
from google.protobuf.timestamp_pb2 import Timestamp
from prometheus_client import REGISTRY
from psycopg_pool import ConnectionPool

from eventkit import db
from eventkit.aggregates import EventSourcing
from eventkit.envelope import CommandContext, EventDraft
from eventkit.settings import Settings
from eventkit.store.base import AggregateChanges
from eventkit.store.postgres import PostgresEventStore
from eventkit.testing import InMemoryEventStore
from services.inventory import bootstrap
from services.inventory.codec import build_codec
from services.inventory.domain import ledger, lots, reference, shipments
from services.inventory.handlers.aggregates import STOCK_ITEM
from services.inventory.projections.consumption import ConsumptionWorker
from services.inventory.seed import SeedDocument
from vaxtrail.allocation.v1 import events_pb2 as allocation
from vaxtrail.common.v1 import types_pb2 as common
from vaxtrail.immunization.v1 import events_pb2 as immunization

DOSE = "vaxtrail.immunization.v1.DoseAdministered"
VIAL = "vaxtrail.immunization.v1.VialOpened"
DISPENSED = "vaxtrail.allocation.v1.SessionStockDispensed"
SITE, LOT = "S-79-760-01", "LOT-AZ-WORKER"


@pytest.fixture
def runtime(database):
    db.migrate(database, bootstrap.MIGRATIONS)
    runtime = bootstrap.WIRING.runtime(Settings(service="inventory", database_url=database,
                                                kafka_bootstrap="unused:0"))
    yield runtime
    runtime.close()


def projection(runtime, name: str = "consumption"):
    found = {p.name: p for p in bootstrap.WIRING.projections(runtime.settings, build_codec())}
    return found[name]


def stamp(when: datetime) -> Timestamp:
    value = Timestamp()
    value.FromDatetime(when)
    return value


def immunization_event(message, aggregate_id: str):
    """The event as immunization's relay would publish it (a real envelope)."""
    draft = EventDraft(message.DESCRIPTOR.full_name, message.SerializeToString(), datetime(2021, 8, 15, tzinfo=UTC))
    return InMemoryEventStore().append([AggregateChanges("dose", aggregate_id, 0, [draft])],
                                       CommandContext(actor_id="vaccinator-1", actor_role="vaccinator"),
                                       producer="immunization-test").events[0]


def apply(runtime, event_type: str, event, message, name: str = "consumption") -> None:
    """Projection ``consumption`` (or ``name``) applying one event in a committed batch transaction."""
    with psycopg.connect(runtime.settings.database_url) as conn, conn.transaction():
        projection(runtime, name).handlers[event_type](conn, event, message)


def rows(runtime, query: str, *params) -> list[tuple]:
    with psycopg.connect(runtime.settings.database_url) as conn:
        return conn.execute(query, params).fetchall()


def flagged(reason: str) -> float:
    return REGISTRY.get_sample_value("vaxtrail_inventory_consumption_discrepancies_total", {"reason": reason}) or 0.0


def test_the_projection_batch_does_not_hold_the_stores_append_lock(runtime):
    message = immunization.DoseAdministered(dose_id="DOSE-LOCK", person_id="P-1", site_id="S-99-999-01",
                                            lot_id="ABV5300", administered_at=stamp(datetime(2021, 8, 15, tzinfo=UTC)))
    event = immunization_event(message, "DOSE-LOCK")
    registration = reference.LocationRegistered("NAT-EPI", "NATIONAL_STORE", "Kho quốc gia", "", "", "", (),
                                                ("FRIDGE",), date(2021, 1, 1), datetime.now(UTC))
    with psycopg.connect(runtime.settings.database_url) as batch, batch.transaction():
        projection(runtime).handlers[DOSE](batch, event, message)       # the batch is still open ...
        with ConnectionPool(runtime.settings.database_url, min_size=1, max_size=1,
                            kwargs={"options": "-c lock_timeout=3s"}) as pool:   # ... while a web write appends
            es = EventSourcing(PostgresEventStore(pool, service="inventory"), build_codec(), producer="inventory/test")
            written = es.record(CommandContext(actor_id="admin-1", actor_role="national_admin"), "location",
                                "location:NAT-EPI", registration)
    assert [e.event_type for e in written.events] == ["vaxtrail.inventory.v1.LocationRegistered"]


def test_a_dose_at_an_unknown_site_is_flagged_once_even_when_applied_twice(runtime):
    message = immunization.DoseAdministered(dose_id="DOSE-1", person_id="P-1", site_id="S-99-999-01",
                                            lot_id="ABV5300", administered_at=stamp(datetime(2021, 8, 15, 9, 30,
                                                                                             tzinfo=UTC)))
    event = immunization_event(message, "DOSE-1")
    worker = bootstrap.consumption_worker(runtime)
    before = flagged("UNKNOWN_SITE")

    for _ in range(2):  # the second time is a replay (e.g. after `vaxtrail rebuild inventory consumption`)
        apply(runtime, DOSE, event, message)
        worker.drain_once()

    assert rows(runtime, "SELECT event_type, aggregate_id, causation_id FROM events") == [
        ("vaxtrail.inventory.v1.ConsumptionDiscrepancyDetected", "S-99-999-01/ABV5300", str(event.event_id))]
    assert flagged("UNKNOWN_SITE") == before + 1
    assert rows(runtime, "SELECT count(*) FROM consumption_pending") == [(0,)]


def stock_at_the_site(runtime, doses: int) -> None:
    """Seed, a lot, a national receipt and the shipments down to the site, through the command bus."""
    es = runtime.es
    bus = bootstrap.bus(es, bootstrap.deps(runtime))

    def handle(command):
        return bus.handle(command, CommandContext(actor_id="admin-1", actor_role="national_admin"))

    handle(SeedDocument.load().command(datetime.now(UTC)))
    handle(lots.RegisterLot(LOT, LOT, "AZ-VAXZEVRIA-10", 1, date(2021, 1, 1), date(2030, 12, 31), "COVAX", "NICVB-9",
                            datetime.now(UTC)))
    handle(ledger.ReceiveDoses("NAT-EPI", LOT, "AZ-VAXZEVRIA-10", doses, doses // 10, "covax", "GRN-9",
                               datetime(2021, 3, 1, tzinfo=UTC)))
    # The district's dispensation to a session at the site, from allocation's topic, which the last leg cites.
    dispensed = allocation.SessionStockDispensed(session_id="SES-W", from_location_id="DHC-760", to_site_id=SITE,
                                                 lines=[common.StockLine(lot_id=LOT, doses=doses)])
    apply(runtime, DISPENSED, immunization_event(dispensed, "session:SES-W"), dispensed, "dispensations")
    for day, (sender, receiver) in enumerate((("NAT-EPI", "CDC-79"), ("CDC-79", "DHC-760"), ("DHC-760", SITE)), 2):
        shipment = f"SHP-W-{day}"
        handle(shipments.DispatchShipment(shipment, sender, receiver, (shipments.DispatchLine(LOT, doses),),
                                          datetime(2021, 3, day, 9, tzinfo=UTC),
                                          session_id="SES-W" if receiver == SITE else ""))
        handle(shipments.ReceiveShipment(shipment, datetime(2021, 3, day, 15, tzinfo=UTC),
                                         (shipments.ReceivedLine(LOT, doses, 0),)))


def test_a_crash_between_the_append_and_the_queue_update_consumes_once(runtime, monkeypatch):
    stock_at_the_site(runtime, 100)
    vial = f"VIAL-{uuid.uuid4().hex[:8]}"
    message = immunization.VialOpened(vial_opening_id=vial, site_id=SITE, session_id="SES-1", lot_id=LOT,
                                      doses_in_vial=10, opened_at=stamp(datetime(2021, 3, 10, 8, tzinfo=UTC)))
    event = immunization_event(message, vial)
    apply(runtime, VIAL, event, message)
    worker = bootstrap.consumption_worker(runtime)

    def crash(conn, source_event_id):
        raise SystemExit("killed after the append, before the row left the queue")

    with monkeypatch.context() as patch:
        patch.setattr(ConsumptionWorker, "mark_done", staticmethod(crash))
        with pytest.raises(SystemExit):
            worker.drain_once()
    assert rows(runtime, "SELECT count(*) FROM consumption_pending") == [(1,)]   # still queued: done again

    assert worker.drain_once() == 1
    consumed = rows(runtime, "SELECT aggregate_id, causation_id FROM events WHERE event_type = %s",
                    "vaxtrail.inventory.v1.StockConsumed")
    assert consumed == [(f"{SITE}/{LOT}", str(event.event_id))]
    state, _ = runtime.es.load(STOCK_ITEM, ledger.stock_item_id(SITE, LOT))
    assert state.on_hand == 90
    assert rows(runtime, "SELECT count(*) FROM consumption_pending") == [(0,)]
