"""Immunization HTTP API (Flask blueprint under ``/v1``): site workflow, records and AEFI, reads, devices;
and the FHIR R4 API (blueprint under ``/fhir``, :func:`fhir_routes`).

Every id a path carries is checked (:class:`~services.immunization.api.models.PathIds`) before a route looks
it up: an id that no stream or read model could hold is a 422 naming the path parameter. Each request
reads every reference fact once (:func:`~services.immunization.queries.one_snapshot`).
"""

from __future__ import annotations

from flask import Blueprint, g, request

from eventkit.handling import CommandBus
from eventkit.web.fhir import fhir_blueprint
from services.immunization.api import batch, export, fhir, provinces, public, reads, records, site
from services.immunization.api.models import PathIds
from services.immunization.api.places import Places
from services.immunization.province_views import ProvinceViews
from services.immunization.queries import Views, one_snapshot
from services.immunization.queries.export_jobs import ExportJobs
from services.immunization.queries.fhir import FhirReads


def _check_path_ids() -> None:
    PathIds.model_validate(request.view_args or {})


def _begin_snapshot() -> None:
    g.reference_snapshot = one_snapshot()
    g.reference_snapshot.__enter__()


def _end_snapshot(error: BaseException | None) -> None:
    snapshot = g.pop("reference_snapshot", None)
    if snapshot is not None:
        snapshot.__exit__(None, None, None)


def blueprint(bus: CommandBus, views: Views, province_views: ProvinceViews) -> Blueprint:
    bp = Blueprint("immunization", __name__, url_prefix="/v1")
    bp.before_request(_begin_snapshot)
    bp.before_request(_check_path_ids)
    bp.teardown_request(_end_snapshot)
    places = Places(bus, views)
    site.register(bp, bus, places)
    records.register(bp, bus, places, views)
    reads.register(bp, bus, places, views)
    batch.register(bp, bus)
    public.register(bp, views, bus.deps.zone)
    provinces.register(bp, views, province_views, bus.deps.zone)
    return bp


def fhir_routes(bus: CommandBus, views: Views, reads: FhirReads, jobs: ExportJobs) -> Blueprint:
    """The FHIR R4 API under ``/fhir`` (docs/fhir.md): search and read, and the bulk export."""
    bp = fhir_blueprint("immunization_fhir", __name__)
    fhir.register(bp, Places(bus, views), reads, bus.deps.zone)
    export.register(bp, jobs)
    return bp
