"""Reference-data routes: the seed, locations, presentations, lots and lot decisions.

Reference data changes only through these routes, by national_admin (lot decisions scoped to a province or
a site may also be taken by a province_officer of that province).
"""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint

from eventkit.aggregates import EventSourcing
from eventkit.auth import current_principal, requires
from eventkit.envelope import CommandContext
from eventkit.errors import DomainError, NotFound
from eventkit.handling import CommandBus
from eventkit.web.commands import command
from eventkit.web.openapi import documented
from services.inventory.api import models
from services.inventory.api.common import NATIONAL, now, scope_path
from services.inventory.domain import lots, reference
from services.inventory.seed import SeedDocument

ACCEPTED = {201: models.CommandAccepted, 200: models.CommandAccepted}
WRITE_ERRORS = [409]


def register(bp: Blueprint, bus: CommandBus) -> None:
    @bp.post("/reference/seed")
    @requires("national_admin")
    @documented("Load the versioned reference seed (supply tree, presentations, lots); idempotent", tags=["reference"],
                request=models.SeedRequest, responses=ACCEPTED, errors=[404, 409],
                description="Appends LocationRegistered / PresentationDefined / LotRegistered for everything in "
                            "`services/inventory/seed/reference.v<N>.json` not registered yet; a second call "
                            "appends nothing (200, `appended: 0`).")
    @command(models.SeedRequest, scope="reference-seed")
    def load_seed(body: models.SeedRequest, context: CommandContext):
        current_principal().require_scope(NATIONAL)
        try:
            document = SeedDocument.load(body.version)
        except FileNotFoundError as exc:
            raise NotFound(str(exc), field="version") from exc
        return bus.handle(document.command(now()), context)

    @bp.post("/locations")
    @requires("national_admin")
    @documented("Register a location of the supply tree (LocationRegistered)", tags=["reference"],
                request=models.LocationRequest, responses=ACCEPTED, errors=WRITE_ERRORS)
    @command(models.LocationRequest, scope="locations")
    def register_location(body: models.LocationRequest, context: CommandContext):
        current_principal().require_scope(NATIONAL)
        return bus.handle(reference.RegisterLocation(
            **body.model_dump(exclude={"supplied_by", "storage_capabilities"}), supplied_by=tuple(body.supplied_by),
            storage_capabilities=tuple(body.storage_capabilities), registered_at=now()), context)

    @bp.post("/locations/<location_id>/deactivation")
    @requires("national_admin")
    @documented("Deactivate a location after its last day (LocationDeactivated; history stays)", tags=["reference"],
                request=models.DeactivationRequest, responses={201: models.CommandAccepted}, errors=WRITE_ERRORS)
    @command(models.DeactivationRequest, scope="deactivation:{location_id}")
    def deactivate_location(body: models.DeactivationRequest, context: CommandContext, location_id: str):
        current_principal().require_scope(NATIONAL)
        return bus.handle(reference.DeactivateLocation(location_id, body.active_until, body.reason, now()), context)

    @bp.post("/presentations")
    @requires("national_admin")
    @documented("Define a presentation version (PresentationDefined; units immutable per version, INV-35)",
                tags=["reference"], request=models.PresentationRequest, responses=ACCEPTED, errors=WRITE_ERRORS)
    @command(models.PresentationRequest, scope="presentations")
    def define_presentation(body: models.PresentationRequest, context: CommandContext):
        current_principal().require_scope(NATIONAL)
        fields = body.model_dump(exclude={"storage_ranges", "components"})
        return bus.handle(reference.DefinePresentation(
            **fields, components=tuple(body.components), defined_at=now(),
            storage_ranges=tuple(reference.StorageRange(r.condition, Decimal(r.min_celsius), Decimal(r.max_celsius),
                                                        r.max_days) for r in body.storage_ranges)), context)

    @bp.post("/lots")
    @requires("national_admin")
    @documented("Register a lot against a presentation version (LotRegistered)", tags=["reference"],
                request=models.LotRequest, responses=ACCEPTED, errors=WRITE_ERRORS)
    @command(models.LotRequest, scope="lots")
    def register_lot(body: models.LotRequest, context: CommandContext):
        current_principal().require_scope(NATIONAL)
        return bus.handle(lots.RegisterLot(**body.model_dump(), registered_at=now()), context)

    for action, summary in (("suspend", "Suspend a lot nationally or in a scope (LotSuspended; blocks issues, INV-11)"),
                            ("release", "Release a suspended lot (LotReleased)"),
                            ("recall", "Recall a lot (LotRecalled; terminal)")):
        view = command(models.LotDecisionRequest, scope=f"lot-{action}:" + "{lot_id}")(_decision_view(bus, action))
        view = documented(summary, tags=["lots"], request=models.LotDecisionRequest, responses=ACCEPTED,
                          errors=WRITE_ERRORS)(view)
        bp.add_url_rule(f"/lots/<lot_id>/{action}", endpoint=f"{action}_lot",
                        view_func=requires("national_admin", "province_officer")(view), methods=["POST"])

    @bp.post("/lots/<lot_id>/expiry-extensions")
    @requires("national_admin")
    @documented("Extend a lot's expiry conditionally on storage (LotExpiryExtended, INV-36)", tags=["lots"],
                request=models.ExpiryExtensionRequest, responses=ACCEPTED, errors=WRITE_ERRORS)
    @command(models.ExpiryExtensionRequest, scope="lot-extension:{lot_id}")
    def extend_expiry(body: models.ExpiryExtensionRequest, context: CommandContext, lot_id: str):
        current_principal().require_scope(NATIONAL)
        return bus.handle(lots.ExtendLotExpiry(
            lot_id, body.new_expiry_date, body.legal_basis, body.required_storage_condition, body.extended_at or now(),
            body.required_min_celsius, body.required_max_celsius), context)


def _decision_view(bus: CommandBus, action: str):
    def view(body: models.LotDecisionRequest, context: CommandContext, lot_id: str):
        current_principal().require_scope(lot_scope_path(bus.es, body), field="scope_id")
        return bus.handle(lots.ChangeLotStatus(action, lot_id, body.scope, body.scope_id, body.reason, body.authority,
                                               body.decision_reference, body.decided_at or now()), context)
    view.__name__ = f"{action}_lot"
    return view


def lot_scope_path(es: EventSourcing, body: models.LotDecisionRequest) -> list[str]:
    """Who may take a lot decision: national for NATIONAL, the province for PROVINCE, the site's path for SITE."""
    if body.scope == "NATIONAL":
        return NATIONAL
    if body.scope == "PROVINCE":
        if len(body.scope_id) != 2 or not body.scope_id.isdigit():
            raise DomainError("scope_id of a PROVINCE decision is its 2-digit GSO code", field="scope_id",
                              rule="INV-11")
        return ["national", f"province:{body.scope_id}"]
    return scope_path(es, body.scope_id, field="scope_id")
