"""Immunization composition root: the service's wiring, built once per process from settings."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from eventkit.service import ServiceRuntime, ServiceWiring
from eventkit.settings import Settings
from services.immunization import api, projections
from services.immunization.codec import build_codec
from services.immunization.handlers import ImmunizationHandlers, Streams
from services.immunization.queries import ReferenceQueries, Views

MIGRATIONS = Path(__file__).parent / "migrations"


def blueprints(runtime: ServiceRuntime):
    streams = Streams(runtime.store, build_codec(), runtime.settings.producer)
    handlers = ImmunizationHandlers(streams, ReferenceQueries(runtime.pool), clock=lambda: datetime.now(UTC))
    return [api.blueprint(handlers, Views(runtime.pool))]


def all_projections(settings: Settings, codec):
    return [
        projections.registration_reference(),
        projections.inventory_reference(),
        projections.allocation_reference(),
        projections.immunization_views(settings.topic, codec),
    ]


WIRING = ServiceWiring(migrations=MIGRATIONS, codec=build_codec, blueprints=blueprints, projections=all_projections)
