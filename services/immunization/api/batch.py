"""Offline site devices: upload a device's queued commands in one request (INV-34).

Each item carries the device's local sequence number; device id + sequence is the item's idempotency key
(namespaced by site, not by the uploading user, so a retry from another login is still recognised). A
retried upload therefore creates nothing twice: items already stored come back ``replayed`` with their
first response. Items are applied in sequence order; one that breaks a rule (two devices drawing an 11th
dose from one vial, say) comes back ``rejected`` with the rule and field, and the rest are still applied.
"""

from __future__ import annotations

from flask import Blueprint, jsonify
from pydantic import ValidationError

from eventkit.aggregates import fingerprint
from eventkit.auth import current_principal, requires
from eventkit.envelope import CommandContext
from eventkit.errors import VaxTrailError
from eventkit.web import parse_body
from eventkit.web.context import request_id
from eventkit.web.openapi import documented
from services.immunization.api import models as m
from services.immunization.api.operations import OPERATIONS, Target
from services.immunization.handlers import ImmunizationHandlers
from services.immunization.queries import ReferenceQueries

Id = r"^[A-Za-z0-9._:\-]{1,80}$"


def _context(site_id: str, device_id: str, sequence: int) -> CommandContext:
    principal = current_principal()
    return CommandContext(actor_id=principal.actor_id, actor_role=principal.role,
                          correlation_id=f"device:{device_id}", causation_id=request_id(),
                          idempotency_key=f"device|{site_id}|{device_id}|{sequence}")


def apply_item(handlers: ImmunizationHandlers, site_id: str, device_id: str, item: m.BatchItemModel) -> dict:
    operation = OPERATIONS[item.kind]
    target = Target(item.session_id or "", item.visit_id or "", item.vial_opening_id or "", device_id, item.sequence)
    try:
        body = operation.model.model_validate(item.body)
        context = _context(site_id, device_id, item.sequence)
        request_hash = fingerprint([item.kind, item.session_id, item.visit_id, item.vial_opening_id,
                                    body.model_dump(mode="json")])
        # A stored item answers from the store before anything is looked up again: a retry after the
        # session closed (or anything else changed) still gets its first answer.
        result = handlers.streams.store.replay(context.idempotency_key, request_hash)
        if result is None:
            if operation.target_site(handlers, target).location_id != site_id:
                return _rejected(item, 403, "scope", "session_id", "the item's session is not at this site")
            result = operation.run(handlers, target, body, context, request_hash)
    except ValidationError as exc:
        first = exc.errors()[0]
        return _rejected(item, 422, first["type"], ".".join(str(p) for p in first["loc"]), first["msg"])
    except VaxTrailError as exc:
        return _rejected(item, exc.status, exc.rule, exc.field, exc.detail)
    return {"sequence": item.sequence, "status": "replayed" if result.replayed else "accepted",
            "response": dict(result.response or {})}


def _rejected(item: m.BatchItemModel, status: int, rule: str | None, field: str | None, detail: str) -> dict:
    return {"sequence": item.sequence, "status": "rejected", "http_status": status, "rule": rule, "field": field,
            "detail": detail}


def register(bp: Blueprint, handlers: ImmunizationHandlers, reference: ReferenceQueries) -> None:
    @bp.post("/sites/<site_id>/devices/<device_id>/batches")
    @requires("vaccinator", "site_manager")
    @documented("Upload an offline device's queued commands; per-item results (accepted / replayed / rejected)",
                tags=["devices"], request=m.BatchRequest, responses={200: m.BatchResult},
                description="Always 200 when the batch itself is valid: each item answers for itself, naming the "
                            "rule and field when rejected. Uploading the same batch again creates nothing twice "
                            "(device id + sequence is the idempotency key, INV-34).")
    def upload(site_id: str, device_id: str):
        body = parse_body(m.BatchRequest)
        current_principal().require_scope(reference.site_or_unknown(site_id).scope_path, field="site_id")
        results = [apply_item(handlers, site_id, device_id, item) for item in sorted(body.items, key=lambda i: i.sequence)]
        counts = {status: sum(1 for r in results if r["status"] == status)
                  for status in ("accepted", "replayed", "rejected")}
        return jsonify({"device_id": device_id, **counts, "items": results})
