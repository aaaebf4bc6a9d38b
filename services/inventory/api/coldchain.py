"""Cold-chain routes: storage units, temperature excursions and their assessment, thaw records.

Writes are scoped to the location of the storage unit (or of the thawed stock).
"""

from __future__ import annotations

from flask import Blueprint

from eventkit.auth import current_principal, requires
from eventkit.web import parse_body
from eventkit.web.openapi import documented
from services.inventory.api import models
from services.inventory.api.common import WRITERS, now, run
from services.inventory.domain import coldchain, ledger
from services.inventory.handlers import InventoryHandlers

ACCEPTED = {201: models.CommandAccepted, 200: models.CommandAccepted}
ASSESSORS = ("national_admin", "province_officer", "district_officer")


def register(bp: Blueprint, handlers: InventoryHandlers) -> None:
    def scoped(location_id: str, field: str) -> None:
        current_principal().require_scope(handlers.scope_path(location_id, field), field=field)

    @bp.post("/storage-units")
    @requires(*WRITERS)
    @documented("Register a cold-chain storage unit at a location (StorageUnitRegistered)", tags=["cold chain"],
                request=models.StorageUnitRequest, responses=ACCEPTED, errors=[409])
    def register_storage_unit():
        body = parse_body(models.StorageUnitRequest)
        scoped(body.location_id, "location_id")
        command = coldchain.RegisterStorageUnit(body.storage_unit_id, body.location_id, body.unit_type, body.logger_id,
                                                now())
        return run(handlers.register_storage_unit, command, body, "storage-units")

    @bp.post("/storage-units/<storage_unit_id>/excursions")
    @requires(*WRITERS)
    @documented("Record a temperature excursion; stock in the unit is quarantined until assessed (INV-13)",
                tags=["cold chain"], request=models.ExcursionRequest, responses=ACCEPTED, errors=[409])
    def record_excursion(storage_unit_id: str):
        body = parse_body(models.ExcursionRequest)
        scoped(handlers.unit_location(storage_unit_id), "storage_unit_id")
        command = coldchain.RecordExcursion(body.excursion_id, storage_unit_id, body.min_celsius, body.max_celsius,
                                            body.started_at, body.alarm_type, body.logger_id, body.ended_at)
        return run(handlers.record_excursion, command, body, f"excursions:{storage_unit_id}")

    @bp.post("/storage-units/<storage_unit_id>/excursions/<excursion_id>/assessment")
    @requires(*ASSESSORS)
    @documented("Assess an excursion lot by lot (ExcursionAssessed: USABLE releases, DISCARD blocks until written off)",
                tags=["cold chain"], request=models.AssessmentRequest, responses=ACCEPTED, errors=[409])
    def assess_excursion(storage_unit_id: str, excursion_id: str):
        body = parse_body(models.AssessmentRequest)
        scoped(handlers.unit_location(storage_unit_id), "storage_unit_id")
        command = coldchain.AssessExcursion(
            excursion_id, storage_unit_id,
            tuple(coldchain.LotAssessment(a.lot_id, a.decision, a.rationale) for a in body.assessments),
            current_principal().actor_id, body.assessed_at)
        return run(handlers.assess_excursion, command, body, f"assessment:{storage_unit_id}:{excursion_id}")

    @bp.post("/thaws")
    @requires(*WRITERS)
    @documented("Record frozen vials thawed into a 2-8 °C unit (VialsThawed; beyond-use date, never refrozen, INV-14)",
                tags=["cold chain"], request=models.ThawRequest, responses=ACCEPTED, errors=[409])
    def thaw_vials():
        body = parse_body(models.ThawRequest)
        scoped(body.location_id, "location_id")
        return run(handlers.thaw_vials, ledger.ThawVials(**body.model_dump()), body, "thaws")
