"""Checkpoints and proofs.

- ``GET /v1/checkpoints/latest[?service=]`` (no token: a checkpoint is public, it holds no personal data):
  each log's latest signed checkpoint, its verifier key and the service's public key;
- ``POST /v1/checkpoints`` (national_admin, auditor): sign a checkpoint of each grown log now;
- ``GET /v1/proofs/inclusion?event_id=[&tree_size=]`` and ``GET /v1/proofs/consistency?service=&first=&second=``
  (auditor, analyst, national_admin): RFC 9162 proofs against the log's Merkle tree, with the signed
  checkpoints of the sizes asked for when they were signed.
"""

from __future__ import annotations

import base64

from flask import Blueprint, jsonify

from eventkit.auth import requires
from eventkit.errors import NotFound, VaxTrailError
from eventkit.handling import CommandBus
from eventkit.web.commands import request_context
from eventkit.web.openapi import documented
from eventkit.web.validation import parse_body, parse_query
from services.audit.api import models as m
from services.audit.api.trails import TRAIL_READERS
from services.audit.domain.events import SignCheckpoint
from services.audit.queries import AuditViews
from services.audit.settings import AuditSettings
from services.audit.signing import Signer

SIGNERS = ("national_admin", "auditor")


class NotYetProvable(VaxTrailError):
    status = 409
    title = "Not provable yet"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def blueprint(views: AuditViews, bus: CommandBus, signer: Signer, own: AuditSettings) -> Blueprint:
    bp = Blueprint("audit_proofs", __name__, url_prefix="/v1")

    def with_key(checkpoint: dict) -> dict:
        return {**checkpoint, "verifier_key": signer.verifier_key(checkpoint["origin"])}

    @bp.get("/checkpoints/latest")
    @documented("Each log's latest signed checkpoint (C2SP signed note) and the verifier keys", tags=["proofs"],
                query=m.LatestQuery, responses={200: m.Checkpoints}, errors=[400])
    def latest():
        query = parse_query(m.LatestQuery)
        return jsonify({"public_key": b64(signer.public_key),
                        "checkpoints": [with_key(c) for c in views.latest_checkpoints(query.service)]})

    @bp.post("/checkpoints")
    @requires(*SIGNERS)
    @documented("Sign a checkpoint of each grown log now", tags=["proofs"], request=m.SignRequest,
                responses={200: m.Checkpoints, 201: m.Checkpoints}, errors=[400, 409, 422])
    def sign_now():
        body = parse_body(m.SignRequest)
        context = request_context()
        results = [bus.handle(SignCheckpoint(log), context) for log in (body.logs or m.LOGS)]
        signed = [dict(r.response) for r in results]
        checkpoints = [with_key({"log": s["log"], "origin": s["origin"], "tree_size": s["tree_size"],
                                 "root": _root_of(s["note"]), "note": s["note"]}) for s in signed]
        status = 201 if any(r.events for r in results) else 200
        return jsonify({"public_key": b64(signer.public_key), "checkpoints": checkpoints}), status

    @bp.get("/proofs/inclusion")
    @requires(*TRAIL_READERS)
    @documented("RFC 9162 inclusion proof of one event in its log's tree", tags=["proofs"], query=m.InclusionQuery,
                responses={200: m.InclusionProof}, errors=[400, 404, 409])
    def inclusion():
        query = parse_query(m.InclusionQuery)
        event_id = str(query.event_id)
        leaf = views.leaf(event_id)
        if leaf is None:
            raise NotFound(f"no logged event {event_id}", field="event_id", rule="not-found")
        service, index, digest = leaf
        if index is None:
            raise NotYetProvable("the event is not sealed into its log's tree yet; retry shortly",
                                 field="event_id", rule="not-sealed")
        size = query.tree_size if query.tree_size is not None else views.latest_size(service)
        if size is None or index >= size or size > views.tree_size(service):
            raise NotYetProvable(f"leaf {index} of {service} is not in a tree of size {size}"
                                 " (sign a checkpoint first: POST /v1/checkpoints)", field="tree_size",
                                 rule="not-in-tree")
        origin = own.origin(service)
        return jsonify({"event_id": event_id, "log": service, "origin": origin, "leaf_index": index,
                        "tree_size": size, "leaf_data": digest.hex(),
                        "proof": [b64(h) for h in views.inclusion(service, index, size)],
                        "checkpoint": views.checkpoint_note(service, size), "verifier_key": signer.verifier_key(origin)})

    @bp.get("/proofs/consistency")
    @requires(*TRAIL_READERS)
    @documented("RFC 9162 consistency proof between two sizes of a log's tree", tags=["proofs"],
                query=m.ConsistencyQuery, responses={200: m.ConsistencyProof}, errors=[400, 409])
    def consistency():
        query = parse_query(m.ConsistencyQuery)
        size = views.tree_size(query.service)
        if not query.first <= query.second <= size:
            raise NotYetProvable(f"need first <= second <= {size} (the tree's size now)", field="second",
                                 rule="not-in-tree")
        proof, first_root, second_root = views.consistency(query.service, query.first, query.second)
        origin = own.origin(query.service)
        return jsonify({"log": query.service, "origin": origin, "first": query.first, "second": query.second,
                        "first_root": b64(first_root), "second_root": b64(second_root),
                        "proof": [b64(h) for h in proof],
                        "first_checkpoint": views.checkpoint_note(query.service, query.first),
                        "second_checkpoint": views.checkpoint_note(query.service, query.second),
                        "verifier_key": signer.verifier_key(origin)})

    return bp


def _root_of(note: str) -> str:
    return note.split("\n")[2]
