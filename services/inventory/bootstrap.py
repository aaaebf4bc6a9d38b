"""Inventory composition root: the service's wiring, built once per process from settings."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from eventkit.service import ServiceRuntime, ServiceWiring
from eventkit.settings import Settings
from services.inventory import api, projections
from services.inventory.codec import build_codec
from services.inventory.handlers import InventoryHandlers

MIGRATIONS = Path(__file__).parent / "migrations"


def blueprints(runtime: ServiceRuntime):
    handlers = InventoryHandlers(runtime.repository, build_codec(), clock=lambda: datetime.now(UTC),
                                 producer=runtime.settings.producer,
                                 allocations=projections.AllocationLines(runtime.pool))
    return [api.blueprint(handlers, projections.StockView(runtime.pool), projections.CatalogueView(runtime.pool))]


def all_projections(settings: Settings, codec):
    return [projections.stock_on_hand(settings.topic, codec), projections.catalogue(settings.topic, codec),
            projections.shipments(settings.topic, codec), projections.cold_chain(settings.topic, codec),
            projections.consumption_projection(settings, codec), projections.allocations(settings, codec)]


WIRING = ServiceWiring(migrations=MIGRATIONS, codec=build_codec, blueprints=blueprints, projections=all_projections)
