"""Inventory composition root: builds everything from settings, once per process."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from eventkit.service import ServiceRuntime, web_app, worker_components
from eventkit.settings import Settings
from services.inventory import api, projections
from services.inventory.codec import build_codec
from services.inventory.handlers import InventoryHandlers

MIGRATIONS = Path(__file__).parent / "migrations"


def runtime(settings: Settings) -> ServiceRuntime:
    return ServiceRuntime.build(settings, build_codec(), MIGRATIONS)


def create_app(settings: Settings):
    rt = runtime(settings)
    handlers = InventoryHandlers(rt.repository, clock=lambda: datetime.now(UTC))
    return web_app(rt, [api.blueprint(handlers, projections.StockView(rt.pool))])


def components(settings: Settings):
    rt = runtime(settings)
    codec = build_codec()
    return worker_components(rt, [projections.stock_on_hand(settings.topic, codec)])
