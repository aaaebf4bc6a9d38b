"""Cold-chain routes: storage units, temperature excursions (in storage units and during transport) and
their assessment, thaw records.

Writes are scoped to the location of the storage unit or of the thawed stock; transport excursions to
either end of the shipment.
"""

from __future__ import annotations

from flask import Blueprint

from eventkit.auth import current_principal, requires
from eventkit.envelope import CommandContext
from eventkit.handling import CommandBus
from eventkit.web.commands import command
from eventkit.web.openapi import documented
from services.inventory.api import models
from services.inventory.api.common import WRITERS, now, require_scope, route_of, scope_path, unit_location
from services.inventory.domain import coldchain, ledger

ACCEPTED = {201: models.CommandAccepted, 200: models.CommandAccepted}
ASSESSORS = ("national_admin", "province_officer", "district_officer")


def _verdicts(body: models.AssessmentRequest) -> tuple[coldchain.LotAssessment, ...]:
    return tuple(coldchain.LotAssessment(a.lot_id, a.decision, a.rationale) for a in body.assessments)


def register(bp: Blueprint, bus: CommandBus) -> None:
    es = bus.es

    @bp.post("/storage-units")
    @requires(*WRITERS)
    @documented("Register a cold-chain storage unit at a location (StorageUnitRegistered)", tags=["cold chain"],
                request=models.StorageUnitRequest, responses=ACCEPTED, errors=[409])
    @command(models.StorageUnitRequest, scope="storage-units")
    def register_storage_unit(body: models.StorageUnitRequest, context: CommandContext):
        require_scope(es, body.location_id)
        return bus.handle(coldchain.RegisterStorageUnit(body.storage_unit_id, body.location_id, body.unit_type,
                                                        body.logger_id, now()), context)

    @bp.post("/storage-units/<storage_unit_id>/excursions")
    @requires(*WRITERS)
    @documented("Record a temperature excursion; stock in the unit is quarantined until assessed (INV-13)",
                tags=["cold chain"], request=models.ExcursionRequest, responses=ACCEPTED, errors=[409])
    @command(models.ExcursionRequest, scope="excursions:{storage_unit_id}")
    def record_excursion(body: models.ExcursionRequest, context: CommandContext, storage_unit_id: str):
        require_scope(es, unit_location(es, storage_unit_id), "storage_unit_id")
        return bus.handle(coldchain.RecordExcursion(body.excursion_id, storage_unit_id, body.min_celsius,
                                                    body.max_celsius, body.started_at, body.alarm_type,
                                                    body.logger_id, body.ended_at), context)

    @bp.post("/storage-units/<storage_unit_id>/excursions/<excursion_id>/assessment")
    @requires(*ASSESSORS)
    @documented("Assess an excursion lot by lot (ExcursionAssessed: USABLE releases, DISCARD blocks until written off)",
                tags=["cold chain"], request=models.AssessmentRequest, responses=ACCEPTED, errors=[409])
    @command(models.AssessmentRequest, scope="assessment:{storage_unit_id}:{excursion_id}")
    def assess_excursion(body: models.AssessmentRequest, context: CommandContext, storage_unit_id: str,
                         excursion_id: str):
        require_scope(es, unit_location(es, storage_unit_id), "storage_unit_id")
        return bus.handle(coldchain.AssessExcursion(excursion_id, storage_unit_id, _verdicts(body),
                                                    current_principal().actor_id, body.assessed_at), context)

    def either_end(shipment_id: str) -> None:
        """Sender or receiver may record and assess a transport excursion."""
        route = route_of(es, shipment_id, rule="INV-13")
        principal = current_principal()
        ends = [scope_path(es, route.from_location_id), scope_path(es, route.to_location_id)]
        if not any(principal.covers(path) for path in ends):
            principal.require_scope(ends[1], field="shipment_id")

    @bp.post("/shipments/<shipment_id>/excursions")
    @requires(*WRITERS)
    @documented("Record a temperature excursion during transport; the delivery waits for its assessment (INV-13)",
                tags=["cold chain"], request=models.ExcursionRequest, responses=ACCEPTED, errors=[409])
    @command(models.ExcursionRequest, scope="excursions:shipment:{shipment_id}")
    def record_shipment_excursion(body: models.ExcursionRequest, context: CommandContext, shipment_id: str):
        either_end(shipment_id)
        return bus.handle(coldchain.RecordExcursion(body.excursion_id, "", body.min_celsius, body.max_celsius,
                                                    body.started_at, body.alarm_type, body.logger_id, body.ended_at,
                                                    shipment_id), context)

    @bp.post("/shipments/<shipment_id>/excursions/<excursion_id>/assessment")
    @requires(*ASSESSORS)
    @documented("Assess a transport excursion lot by lot (DISCARD lots must then be rejected at delivery)",
                tags=["cold chain"], request=models.AssessmentRequest, responses=ACCEPTED, errors=[409])
    @command(models.AssessmentRequest, scope="assessment:{shipment_id}:{excursion_id}")
    def assess_shipment_excursion(body: models.AssessmentRequest, context: CommandContext, shipment_id: str,
                                  excursion_id: str):
        either_end(shipment_id)
        return bus.handle(coldchain.AssessExcursion(excursion_id, "", _verdicts(body), current_principal().actor_id,
                                                    body.assessed_at, shipment_id), context)

    @bp.post("/thaws")
    @requires(*WRITERS)
    @documented("Record frozen vials thawed into a 2-8 °C unit (VialsThawed; beyond-use date, never refrozen, INV-14)",
                tags=["cold chain"], request=models.ThawRequest, responses=ACCEPTED, errors=[409])
    @command(models.ThawRequest, scope="thaws")
    def thaw_vials(body: models.ThawRequest, context: CommandContext):
        require_scope(es, body.location_id)
        return bus.handle(ledger.ThawVials(**body.model_dump()), context)
