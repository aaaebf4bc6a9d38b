"""Offline site devices: upload a device's queued commands in one request (INV-34).

Each item carries the device's local sequence number; device id + sequence is the item's idempotency key
(namespaced by site, not by the uploading user, so a retry from another login is still recognised). A
retried upload therefore creates nothing twice: items already stored come back ``replayed`` with their
first response (the bus answers them before anything is looked up again).

Items are decided in sequence order, each on the state the earlier ones left, and committed together
(``CommandBus.handle_many``: one transaction, one commit for the whole upload), each still all-or-nothing
and on its own. One that breaks a rule (an invalid field, a session at another site, an 11th dose from a
vial) comes back ``rejected`` with the rule and field, and only the items that depend on it (the same
person's later steps, doses from a vial that failed to open) can fail with it; an item that met a
concurrent writer is decided again on fresh state after the others are written, so a conflict fails
nobody else's items.
"""

from __future__ import annotations

import json
from dataclasses import replace

from flask import Blueprint, jsonify
from pydantic import ValidationError

from eventkit.aggregates import fingerprint
from eventkit.auth import current_principal, requires
from eventkit.envelope import CommandContext
from eventkit.errors import VaxTrailError
from eventkit.handling import CommandBus
from eventkit.web import parse_body
from eventkit.web.commands import request_context
from eventkit.web.openapi import documented
from services.immunization.api import models as m
from services.immunization.api.operations import OPERATIONS, Target


def prepared(device: CommandContext, site_id: str, device_id: str, item: m.BatchItemModel) -> tuple[object, CommandContext]:
    """The item's command and context; a body that breaks its model raises ``ValidationError``."""
    operation = OPERATIONS[item.kind]
    target = Target(item.session_id or "", item.visit_id or "", item.vial_opening_id or "", site_id, device_id,
                    item.sequence)
    # The body is validated as the route's JSON body would be (strict: "10" is not an integer).
    body = operation.model.model_validate_json(json.dumps(item.body))
    context = replace(device, idempotency_key=f"device|{site_id}|{device_id}|{item.sequence}",
                      request_hash=fingerprint([item.kind, item.session_id, item.visit_id, item.vial_opening_id,
                                                body.model_dump(mode="json")]))
    return operation.build(target, body, context), context


def apply_items(bus: CommandBus, device: CommandContext, site_id: str, device_id: str,
                items: list[m.BatchItemModel]) -> list[dict]:
    answers: dict[int, dict] = {}
    runnable: list[tuple[m.BatchItemModel, tuple[object, CommandContext]]] = []
    for item in sorted(items, key=lambda i: i.sequence):
        try:
            runnable.append((item, prepared(device, site_id, device_id, item)))
        except ValidationError as exc:
            first = exc.errors(include_url=False, include_input=False)[0]
            answers[id(item)] = _rejected(item, 422, first["type"], ".".join(str(p) for p in first["loc"]),
                                          first["msg"])
        except VaxTrailError as exc:
            answers[id(item)] = _rejected(item, exc.status, exc.rule, exc.field, exc.detail)
    outcomes = bus.handle_many([command for _, command in runnable])
    for (item, _), outcome in zip(runnable, outcomes, strict=True):
        if isinstance(outcome, VaxTrailError):
            answers[id(item)] = _rejected(item, outcome.status, outcome.rule, outcome.field, outcome.detail)
        else:
            answers[id(item)] = {"sequence": item.sequence, "status": "replayed" if outcome.replayed else "accepted",
                                 "response": dict(outcome.response or {})}
    return [answers[id(item)] for item in sorted(items, key=lambda i: i.sequence)]


def _rejected(item: m.BatchItemModel, status: int, rule: str | None, field: str | None, detail: str) -> dict:
    return {"sequence": item.sequence, "status": "rejected", "http_status": status, "rule": rule, "field": field,
            "detail": detail}


def register(bp: Blueprint, bus: CommandBus) -> None:
    @bp.post("/sites/<site_id>/devices/<device_id>/batches")
    @requires("vaccinator", "site_manager")
    @documented("Upload an offline device's queued commands; per-item results (accepted / replayed / rejected)",
                tags=["devices"], request=m.BatchRequest, responses={200: m.BatchResult},
                description="Always 200 when the batch itself is valid: each item answers for itself, naming the "
                            "rule and field when rejected (an invalid body field is a 422 item naming it). "
                            "Uploading the same batch again creates nothing twice (device id + sequence is the "
                            "idempotency key, INV-34).")
    def upload(site_id: str, device_id: str):
        body = parse_body(m.BatchRequest)
        current_principal().require_scope(bus.deps.reference.site_or_unknown(site_id).scope_path, field="site_id")
        device = replace(request_context(), correlation_id=f"device:{device_id}")
        results = apply_items(bus, device, site_id, device_id, body.items)
        counts = {status: sum(1 for r in results if r["status"] == status)
                  for status in ("accepted", "replayed", "rejected")}
        return jsonify({"device_id": device_id, **counts, "items": results})
