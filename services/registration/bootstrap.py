"""Registration composition root, the only wiring: reference data, deps, the command bus, the blueprint and
the projections, all built per process (nothing at import time)."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, tzinfo
from pathlib import Path

from eventkit.aggregates import EventSourcing
from eventkit.clock import CAMPAIGN_ZONE
from eventkit.handling import CommandBus
from eventkit.service import ServiceRuntime, ServiceWiring
from eventkit.settings import Settings
from services.registration import api
from services.registration import projections as read_models
from services.registration.api import fhir
from services.registration.bulk import BulkUpload
from services.registration.codec import build_codec
from services.registration.domain.person import References
from services.registration.domain.reference import AdminUnits, PriorityCatalogues
from services.registration.handlers import COMMANDS, Deps
from services.registration.queries import ReadModels
from services.registration.settings import identity_key

MIGRATIONS = Path(__file__).parent / "migrations"
REFERENCE = Path(__file__).parent / "reference"
ADMIN_UNITS_FILE = REFERENCE / "admin_units.v1.json"
PRIORITY_GROUPS_FILE = REFERENCE / "priority_groups.v1.json"


def load_references(zone: tzinfo = CAMPAIGN_ZONE) -> References:
    return References(AdminUnits.from_document(json.loads(ADMIN_UNITS_FILE.read_text(encoding="utf-8"))),
                      PriorityCatalogues.from_document(json.loads(PRIORITY_GROUPS_FILE.read_text(encoding="utf-8"))),
                      zone)


def deps(runtime: ServiceRuntime) -> Deps:
    # The offline OpenAPI build (no database) registers nobody, so it needs no guard key; a real web
    # process without one refuses to start (settings.identity_key).
    key = None if runtime.pool.closed else identity_key(runtime.settings.env, os.environ)
    reads = ReadModels(runtime.pool)
    return Deps(load_references(runtime.settings.campaign_zone), key, district_centre=reads.district_centre, planned_session=reads.planned_session,
                clock=lambda: datetime.now(UTC))


def bus(es: EventSourcing, deps: Deps) -> CommandBus:
    return CommandBus(es, COMMANDS, deps)


def blueprints(runtime: ServiceRuntime):
    commands = bus(runtime.es, deps(runtime))
    return [api.blueprint(commands, ReadModels(runtime.pool), BulkUpload(commands)), fhir.blueprint(commands)]


def projections(settings: Settings, codec):
    return read_models.declared(codec, load_references().catalogues)


WIRING = ServiceWiring(migrations=MIGRATIONS, codec=build_codec, blueprints=blueprints, projections=projections)
