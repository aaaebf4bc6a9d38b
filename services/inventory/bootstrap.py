"""Inventory composition root: the only wiring, built once per process from settings.

``deps`` / ``bus`` build the write side (unit tests build it the same way on an in-memory store),
``blueprints`` the HTTP API, ``projections`` the read models, and ``components`` the worker: the relay and
the projection runners of every service, plus the consumption worker and the lot review worker that drain
what projections ``consumption`` and ``lot_reviews`` record (:mod:`eventkit.work_queue`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from eventkit.aggregates import EventSourcing
from eventkit.handling import CommandBus
from eventkit.service import ServiceRuntime, ServiceWiring, worker_components
from eventkit.settings import Settings
from services.inventory import api
from services.inventory.codec import build_codec
from services.inventory.handlers import COMMANDS, Deps
from services.inventory.projections import (
    ConsumptionWorker,
    LotReviewWorker,
    allocations,
    catalogue,
    cold_chain,
    consumption_projection,
    dispensations,
    lot_reviews_projection,
    shipments,
    site_usage,
    stock_on_hand,
)
from services.inventory.queries import AllocationLines, CatalogueQueries, Dispensations, StockQueries
from services.inventory.queries.provinces import ProvinceQueries
from services.inventory.queries.public import PublicQueries

MIGRATIONS = Path(__file__).parent / "migrations"


def clock() -> datetime:
    return datetime.now(UTC)


def deps(runtime: ServiceRuntime) -> Deps:
    return Deps(clock=clock, allocation_line=AllocationLines(runtime.pool).line,
                dispensation=Dispensations(runtime.pool).dispensation, zone=runtime.settings.campaign_zone)


def bus(es: EventSourcing, deps: Deps) -> CommandBus:
    return CommandBus(es, COMMANDS, deps)


def blueprints(runtime: ServiceRuntime):
    stock = StockQueries(runtime.pool, runtime.settings.campaign_zone)
    return [api.blueprint(bus(runtime.es, deps(runtime)), stock, CatalogueQueries(runtime.pool),
                          PublicQueries(runtime.pool, runtime.settings.campaign_zone),
                          ProvinceQueries(runtime.pool, stock))]


def projections(settings: Settings, codec):
    return [stock_on_hand(codec), catalogue(codec), shipments(codec), cold_chain(codec),
            consumption_projection(), site_usage(settings.campaign_zone), lot_reviews_projection(), allocations(),
            dispensations()]


WIRING = ServiceWiring(migrations=MIGRATIONS, codec=build_codec, blueprints=blueprints, projections=projections)


def consumption_worker(runtime: ServiceRuntime) -> ConsumptionWorker:
    return ConsumptionWorker(runtime.pool, bus(runtime.es, deps(runtime)))


def lot_review_worker(runtime: ServiceRuntime) -> LotReviewWorker:
    return LotReviewWorker(runtime.pool, bus(runtime.es, deps(runtime)))


def components(settings: Settings) -> list[tuple[str, Callable[[threading.Event], None]]]:
    """The worker's components: the relay and the projection runners (as every service's), the consumption
    worker and the lot review worker."""
    runtime = WIRING.runtime(settings)
    return [*worker_components(runtime, projections(settings, runtime.es.codec)),
            ("consumption", consumption_worker(runtime).run), ("lot-reviews", lot_review_worker(runtime).run)]
