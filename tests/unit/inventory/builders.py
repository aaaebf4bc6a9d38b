"""Readable test data for the inventory unit tests: a small supply tree, two presentations, lots, and an
in-memory :class:`World` (the command bus built by the service's bootstrap on an in-memory event store, a fixed
clock) seeded from the real seed file."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal

from eventkit.aggregates import EventSourcing
from eventkit.envelope import CommandContext
from eventkit.store.base import AppendResult
from eventkit.testing import InMemoryEventStore
from services.inventory import bootstrap
from services.inventory.codec import build_codec
from services.inventory.domain import ledger, lots, reference
from services.inventory.domain.dispensations import Dispensation
from services.inventory.handlers import Deps
from services.inventory.handlers.aggregates import STOCK_ITEM
from services.inventory.seed import SeedDocument

NOW = datetime(2021, 8, 20, 12, 0, tzinfo=UTC)


def at(day: int, hour: int = 9, month: int = 8) -> datetime:
    return datetime(2021, month, day, hour, 0, tzinfo=UTC)


AUG_10, AUG_11, AUG_12, AUG_15, AUG_16, AUG_18, AUG_21 = (at(day) for day in (10, 11, 12, 15, 16, 18, 21))


def location(location_id: str, kind: str, *, parent: str = "", province: str = "", district: str = "",
             supplied_by: tuple[str, ...] = (), storage: tuple[str, ...] = ("FRIDGE",),
             active_from: date = date(2021, 1, 1)) -> reference.LocationRegistered:
    return reference.LocationRegistered(location_id, kind, location_id, parent, province, district, supplied_by, storage,
                                        active_from, NOW)


NATIONAL = location("NAT-EPI", "NATIONAL_STORE", storage=("ULTRA_COLD", "FROZEN", "FRIDGE"))
CDC_79 = location("CDC-79", "PROVINCE_STORE", parent="NAT-EPI", province="79", supplied_by=("NAT-EPI",),
                  storage=("FROZEN", "FRIDGE"))
DHC_760 = location("DHC-760", "DISTRICT_STORE", parent="CDC-79", province="79", district="760",
                   supplied_by=("CDC-79",))
SITE_760 = location("S-79-760-01", "SITE", parent="DHC-760", province="79", district="760", supplied_by=("DHC-760",))
SITE_001 = location("S-01-001-01", "SITE", parent="NAT-EPI", province="01", district="001", supplied_by=("DHC-001",))

FRIDGE = (reference.StorageRange("REFRIGERATED", Decimal("2"), Decimal("8")),)
ULTRA_COLD = (reference.StorageRange("FROZEN_ULTRA_COLD", Decimal("-90"), Decimal("-60")),
              reference.StorageRange("REFRIGERATED", Decimal("2"), Decimal("8"), 31))
AZ = reference.PresentationDefined("AZ-VAXZEVRIA-10", 1, "210", "CVX", "Vaxzevria", "AstraZeneca", 10, Decimal("0.5"),
                                   FRIDGE, NOW, has_vvm=True)
PFIZER = reference.PresentationDefined("PFIZER-COMIRNATY", 2, "208", "CVX", "Comirnaty", "Pfizer-BioNTech", 6,
                                       Decimal("0.3"), ULTRA_COLD, NOW, thaw_beyond_use_days=31)


def lot(lot_id: str = "ABV5300", presentation: reference.PresentationDefined = AZ, *,
        made: date = date(2021, 3, 1), expires: date = date(2021, 12, 31)) -> lots.Lot:
    registered = lots.LotRegistered(lot_id, lot_id, presentation.presentation_id, presentation.version, made, expires,
                                    "COVAX", "NICVB-1", NOW)
    return lots.evolve_lot(lots.Lot.empty(), registered)


def context(where: reference.LocationRegistered = NATIONAL, the_lot: lots.Lot | None = None,
            presentation: reference.PresentationDefined = AZ) -> ledger.StockContext:
    return ledger.StockContext(where, the_lot or lot(presentation=presentation), presentation, NOW)


def receipt(doses: int = 1000, *, when: datetime = AUG_10, lot_id: str = "ABV5300", vials: int | None = None,
            presentation_id: str = "AZ-VAXZEVRIA-10", location_id: str = "NAT-EPI") -> ledger.ReceiveDoses:
    return ledger.ReceiveDoses(location_id, lot_id, presentation_id, doses, doses // 10 if vials is None else vials,
                               "covax", "COVAX-2021-0810", when)


def received(doses: int = 1000, when: datetime = AUG_10) -> ledger.DoseReceived:
    return ledger.receive_doses(ledger.StockItem.empty(), receipt(doses, when=when), context())[0]


def issued(doses: int, when: datetime) -> ledger.StockIssued:
    return ledger.StockIssued("NAT-EPI", "ABV5300", "AZ-VAXZEVRIA-10", doses, doses // 10, "SHP-1", "CDC-79", when)


def item(*events, ids: tuple[str, ...] = ()) -> ledger.StockItem:
    state = ledger.StockItem.empty()
    for index, event in enumerate(events):
        state = ledger.evolve(state, event, ids[index] if index < len(ids) else "")
    return state


@dataclass
class World:
    """The command bus on an in-memory store, the real seed loadable, and a fixed clock."""

    store: InMemoryEventStore = field(default_factory=InMemoryEventStore)
    now: datetime = NOW
    dispensations: dict[str, Dispensation] = field(default_factory=dict)
    """Session dispensations as the read model of the allocation topic would know them (by session id)."""

    def __post_init__(self) -> None:
        self.es = EventSourcing(self.store, build_codec(), producer="inventory/test")
        self.bus = bootstrap.bus(self.es, Deps(clock=lambda: self.now, dispensation=self.dispensations.get))

    def context(self, key: str | None = None) -> CommandContext:
        return CommandContext(actor_id="officer-1", actor_role="national_admin", idempotency_key=key)

    def handle(self, command, key: str | None = None) -> AppendResult:
        return self.bus.handle(command, self.context(key))

    def seed(self) -> AppendResult:
        return self.handle(SeedDocument.load().command(self.now))

    def item(self, location_id: str, lot_id: str) -> tuple[ledger.StockItem, int]:
        return self.es.load(STOCK_ITEM, ledger.stock_item_id(location_id, lot_id))

    def count(self) -> int:
        return self.store.last_position()
