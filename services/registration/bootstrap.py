"""Registration composition root: reference data, handlers, read models and projections, built per process."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

from eventkit.service import ServiceRuntime, ServiceWiring
from eventkit.settings import Settings
from services.registration import api, projections
from services.registration.bulk import BulkUpload
from services.registration.codec import build_codec
from services.registration.domain.person import References
from services.registration.domain.reference import AdminUnits, PriorityCatalogues
from services.registration.handlers import Lookups, RegistrationHandlers
from services.registration.settings import identity_key
from services.registration.views import ReadModels

MIGRATIONS = Path(__file__).parent / "migrations"
REFERENCE = Path(__file__).parent / "reference"
ADMIN_UNITS_FILE = REFERENCE / "admin_units.v1.json"
PRIORITY_GROUPS_FILE = REFERENCE / "priority_groups.v1.json"


def load_references() -> References:
    return References(AdminUnits.from_document(json.loads(ADMIN_UNITS_FILE.read_text(encoding="utf-8"))),
                      PriorityCatalogues.from_document(json.loads(PRIORITY_GROUPS_FILE.read_text(encoding="utf-8"))))


def build_handlers(runtime: ServiceRuntime, refs: References, views: ReadModels) -> RegistrationHandlers:
    settings = runtime.settings
    # The offline OpenAPI build (no database) registers nobody, so it needs no guard key; a real web
    # process without one refuses to start (settings.identity_key).
    key = None if runtime.pool.closed else identity_key(settings.env, os.environ)
    return RegistrationHandlers(
        runtime.repository, build_codec(), settings.producer, refs, key,
        Lookups(district_centre=views.district_centre, planned_session=views.planned_session),
        clock=lambda: datetime.now(UTC))


def blueprints(runtime: ServiceRuntime):
    views = ReadModels(runtime.pool)
    handlers = build_handlers(runtime, load_references(), views)
    return [api.blueprint(handlers, views, BulkUpload(handlers, runtime.pool))]


def all_projections(settings: Settings, codec):
    return [
        projections.people(settings.topic, codec, load_references().catalogues),
        projections.district_centres(),
        projections.planned_sessions(),
        projections.citizen_record(),
    ]


WIRING = ServiceWiring(migrations=MIGRATIONS, codec=build_codec, blueprints=blueprints, projections=all_projections)
