"""Immunization HTTP API (Flask blueprint under ``/v1``): site workflow, records and AEFI, reads, devices."""

from __future__ import annotations

from flask import Blueprint

from services.immunization.api import batch, reads, records, site
from services.immunization.handlers import ImmunizationHandlers
from services.immunization.queries import Views


def blueprint(handlers: ImmunizationHandlers, views: Views) -> Blueprint:
    bp = Blueprint("immunization", __name__, url_prefix="/v1")
    site.register(bp, handlers)
    records.register(bp, handlers, views)
    reads.register(bp, handlers, views)
    batch.register(bp, handlers, handlers.reference)
    return bp
