"""Allocation composition root: the service's wiring, built once per process from settings."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from eventkit.service import ServiceRuntime, ServiceWiring
from eventkit.settings import Settings
from services.allocation import api
from services.allocation.codec import build_codec
from services.allocation.handlers import AllocationHandlers
from services.allocation.ledger import Ledger
from services.allocation.projections import demand, doses, supply
from services.allocation.repository import KindCheckedRepository
from services.allocation.views import ReadModels

MIGRATIONS = Path(__file__).parent / "migrations"


def blueprints(runtime: ServiceRuntime):
    repository = KindCheckedRepository(runtime.repository.store, build_codec(), producer=runtime.settings.producer)
    handlers = AllocationHandlers(repository, ReadModels(runtime.pool), Ledger(runtime.pool, build_codec()),
                                  clock=lambda: datetime.now(UTC))
    return api.blueprints(handlers)


def all_projections(settings: Settings, codec):
    return [supply.supply(), demand.demand(), doses.doses_given()]


WIRING = ServiceWiring(migrations=MIGRATIONS, codec=build_codec, blueprints=blueprints, projections=all_projections)
