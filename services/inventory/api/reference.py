"""Reference-data routes: the seed, locations, presentations, lots and lot decisions.

Reference data changes only through these routes, by national_admin (lot decisions scoped to a province or
a site may also be taken by a province_officer of that province).
"""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint

from eventkit.auth import current_principal, requires
from eventkit.errors import DomainError, NotFound
from eventkit.web import parse_body
from eventkit.web.openapi import documented
from services.inventory.api import models
from services.inventory.api.common import now, run
from services.inventory.domain import lots, reference
from services.inventory.handlers import InventoryHandlers
from services.inventory.seed import SeedDocument

NATIONAL = ["national"]
WRITE_ERRORS = [409]


def register(bp: Blueprint, handlers: InventoryHandlers) -> None:
    @bp.post("/reference/seed")
    @requires("national_admin")
    @documented("Load the versioned reference seed (supply tree, presentations, lots); idempotent", tags=["reference"],
                request=models.SeedRequest, responses={201: models.CommandAccepted, 200: models.CommandAccepted},
                errors=[404, 409],
                description="Appends LocationRegistered / PresentationDefined / LotRegistered for everything in "
                            "`services/inventory/seed/reference.v<N>.json` not registered yet; a second call "
                            "appends nothing (200, `appended: 0`).")
    def load_seed():
        body = parse_body(models.SeedRequest)
        current_principal().require_scope(NATIONAL)
        try:
            document = SeedDocument.load(body.version)
        except FileNotFoundError as exc:
            raise NotFound(str(exc), field="version") from exc
        return run(handlers.load_seed, document, body, "reference-seed")

    @bp.post("/locations")
    @requires("national_admin")
    @documented("Register a location of the supply tree (LocationRegistered)", tags=["reference"],
                request=models.LocationRequest, responses={201: models.CommandAccepted, 200: models.CommandAccepted},
                errors=WRITE_ERRORS)
    def register_location():
        body = parse_body(models.LocationRequest)
        current_principal().require_scope(NATIONAL)
        command = reference.RegisterLocation(**body.model_dump(exclude={"supplied_by", "storage_capabilities"}),
                                             supplied_by=tuple(body.supplied_by),
                                             storage_capabilities=tuple(body.storage_capabilities),
                                             registered_at=now())
        return run(handlers.register_location, command, body, "locations")

    @bp.post("/locations/<location_id>/deactivation")
    @requires("national_admin")
    @documented("Deactivate a location after its last day (LocationDeactivated; history stays)", tags=["reference"],
                request=models.DeactivationRequest, responses={201: models.CommandAccepted}, errors=WRITE_ERRORS)
    def deactivate_location(location_id: str):
        body = parse_body(models.DeactivationRequest)
        current_principal().require_scope(NATIONAL)
        command = reference.DeactivateLocation(location_id, body.active_until, body.reason, now())
        return run(handlers.deactivate_location, command, body, f"deactivation:{location_id}")

    @bp.post("/presentations")
    @requires("national_admin")
    @documented("Define a presentation version (PresentationDefined; units immutable per version, INV-35)",
                tags=["reference"], request=models.PresentationRequest,
                responses={201: models.CommandAccepted, 200: models.CommandAccepted}, errors=WRITE_ERRORS)
    def define_presentation():
        body = parse_body(models.PresentationRequest)
        current_principal().require_scope(NATIONAL)
        fields = body.model_dump(exclude={"storage_ranges", "components"})
        command = reference.DefinePresentation(
            **fields, components=tuple(body.components), defined_at=now(),
            storage_ranges=tuple(reference.StorageRange(r.condition, Decimal(r.min_celsius), Decimal(r.max_celsius),
                                                        r.max_days) for r in body.storage_ranges))
        return run(handlers.define_presentation, command, body, "presentations")

    @bp.post("/lots")
    @requires("national_admin")
    @documented("Register a lot against a presentation version (LotRegistered)", tags=["reference"],
                request=models.LotRequest, responses={201: models.CommandAccepted, 200: models.CommandAccepted},
                errors=WRITE_ERRORS)
    def register_lot():
        body = parse_body(models.LotRequest)
        current_principal().require_scope(NATIONAL)
        return run(handlers.register_lot, lots.RegisterLot(**body.model_dump(), registered_at=now()), body, "lots")

    def decide_lot(lot_id: str, action: str):
        body = parse_body(models.LotDecisionRequest)
        current_principal().require_scope(lot_scope_path(handlers, body), field="scope_id")
        command = lots.ChangeLotStatus(action, lot_id, body.scope, body.scope_id, body.reason, body.authority,
                                       body.decision_reference, body.decided_at or now())
        return run(handlers.change_lot_status, command, body, f"lot-{action}:{lot_id}")

    for action, summary in (("suspend", "Suspend a lot nationally or in a scope (LotSuspended; blocks issues, INV-11)"),
                            ("release", "Release a suspended lot (LotReleased)"),
                            ("recall", "Recall a lot (LotRecalled; terminal)")):
        view = _decision_view(decide_lot, action)
        view = documented(summary, tags=["lots"], request=models.LotDecisionRequest,
                          responses={201: models.CommandAccepted, 200: models.CommandAccepted}, errors=WRITE_ERRORS)(view)
        bp.add_url_rule(f"/lots/<lot_id>/{action}", endpoint=f"{action}_lot",
                        view_func=requires("national_admin", "province_officer")(view), methods=["POST"])

    @bp.post("/lots/<lot_id>/expiry-extensions")
    @requires("national_admin")
    @documented("Extend a lot's expiry conditionally on storage (LotExpiryExtended, INV-36)", tags=["lots"],
                request=models.ExpiryExtensionRequest,
                responses={201: models.CommandAccepted, 200: models.CommandAccepted}, errors=WRITE_ERRORS)
    def extend_expiry(lot_id: str):
        body = parse_body(models.ExpiryExtensionRequest)
        current_principal().require_scope(NATIONAL)
        command = lots.ExtendLotExpiry(lot_id, body.new_expiry_date, body.legal_basis, body.required_storage_condition,
                                       body.extended_at or now(), body.required_min_celsius, body.required_max_celsius)
        return run(handlers.extend_lot_expiry, command, body, f"lot-extension:{lot_id}")


def _decision_view(decide_lot, action: str):
    def view(lot_id: str):
        return decide_lot(lot_id, action)
    view.__name__ = f"{action}_lot"
    return view


def lot_scope_path(handlers: InventoryHandlers, body: models.LotDecisionRequest) -> list[str]:
    """Who may take a lot decision: national for NATIONAL, the province for PROVINCE, the site's path for SITE."""
    if body.scope == "NATIONAL":
        return NATIONAL
    if body.scope == "PROVINCE":
        if len(body.scope_id) != 2 or not body.scope_id.isdigit():
            raise DomainError("scope_id of a PROVINCE decision is its 2-digit GSO code", field="scope_id",
                              rule="INV-11")
        return ["national", f"province:{body.scope_id}"]
    return handlers.scope_path(body.scope_id, field="scope_id")
