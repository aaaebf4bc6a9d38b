"""Immunization composition root: the service's wiring, built once per process from settings.

Unit tests build the write side the same way, with fakes::

    bus(EventSourcing(InMemoryEventStore(), build_codec(), producer="immunization/test"), Deps(facts, clock))
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from eventkit.aggregates import EventSourcing
from eventkit.handling import CommandBus
from eventkit.service import ServiceRuntime, ServiceWiring, worker_components
from eventkit.settings import Settings
from services.immunization import api
from services.immunization.codec import build_codec
from services.immunization.handlers import COMMANDS, Deps
from services.immunization.projections import (
    allocation_reference,
    inventory_reference,
    registration_reference,
    views,
)
from services.immunization.province_views import ProvinceViews
from services.immunization.queries import ReferenceQueries, Views
from services.immunization.queries.export_jobs import ExportJobs
from services.immunization.queries.fhir import FhirReads
from services.immunization.settings import vaccination_country
from services.immunization.workers.fhir_export import FhirExporter

MIGRATIONS = Path(__file__).parent / "migrations"


def deps(runtime: ServiceRuntime) -> Deps:
    return Deps(reference=ReferenceQueries(runtime.pool), clock=lambda: datetime.now(UTC),
                zone=runtime.settings.campaign_zone)


def bus(es: EventSourcing, dependencies: Deps) -> CommandBus:
    return CommandBus(es, COMMANDS, dependencies)


def blueprints(runtime: ServiceRuntime):
    commands, views = bus(runtime.es, deps(runtime)), Views(runtime.pool)
    return [api.blueprint(commands, views, ProvinceViews(runtime.pool)),
            api.fhir_routes(commands, views, FhirReads(runtime.pool, vaccination_country(os.environ)),
                            ExportJobs(runtime.pool))]


def projections(settings: Settings, codec):
    return [registration_reference.registration_reference(), inventory_reference.inventory_reference(),
            allocation_reference.allocation_reference(), views.immunization_views(codec, settings.campaign_zone)]


WIRING = ServiceWiring(migrations=MIGRATIONS, codec=build_codec, blueprints=blueprints, projections=projections)


def components(settings: Settings) -> list[tuple[str, Callable[[threading.Event], None]]]:
    """The worker's components: the relay and the projection runners (as every service's) and the FHIR
    bulk exporter."""
    runtime = WIRING.runtime(settings)
    exporter = FhirExporter(runtime.pool, runtime.es, vaccination_country(os.environ))
    return [*worker_components(runtime, projections(settings, runtime.es.codec)), ("fhir-export", exporter.run)]
