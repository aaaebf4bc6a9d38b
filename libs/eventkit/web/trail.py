"""``GET /v1/trail/<aggregate_id>``: one aggregate's envelopes and hash-chain check, for auditors.

Every service serves it over its own store. It returns envelopes and a SHA-256 of each payload, never
the payload itself, so it exposes no personal data; ``chain_valid`` says whether every event's hash
recomputes and links to its predecessor.
"""

from __future__ import annotations

import hashlib

from flask import Blueprint, jsonify

from eventkit.auth import requires
from eventkit.envelope import GENESIS_HASH, format_time
from eventkit.errors import NotFound
from eventkit.web.openapi import documented

TRAIL_READERS = ("auditor", "analyst", "national_admin")


def trail_blueprint(store) -> Blueprint:
    bp = Blueprint("trail", __name__, url_prefix="/v1")

    @bp.get("/trail/<path:aggregate_id>")
    @requires(*TRAIL_READERS)
    @documented("One aggregate's envelopes, payload hashes and hash-chain check (no payloads)",
                tags=["audit"], errors=[404])
    def aggregate_trail(aggregate_id: str):
        events = store.load(aggregate_id)
        if not events:
            raise NotFound(f"no events for aggregate {aggregate_id!r}", field="aggregate_id")
        previous = GENESIS_HASH
        valid = True
        for event in events:
            valid = valid and event.prev_hash == previous and event.verify_hash()
            previous = event.hash
        return jsonify({
            "aggregate_id": aggregate_id,
            "aggregate_type": events[0].aggregate_type,
            "chain_valid": valid,
            "events": [
                {
                    "position": e.position,
                    "event_id": str(e.event_id),
                    "event_type": e.event_type,
                    "aggregate_version": e.aggregate_version,
                    "occurred_at": format_time(e.occurred_at),
                    "recorded_at": format_time(e.recorded_at),
                    "producer": e.producer,
                    "actor_id": e.actor_id,
                    "actor_role": e.actor_role,
                    "correlation_id": e.correlation_id,
                    "causation_id": e.causation_id,
                    "payload_sha256": hashlib.sha256(e.payload).hexdigest(),
                    "prev_hash": e.prev_hash.hex(),
                    "hash": e.hash.hex(),
                }
                for e in events
            ],
        })

    return bp
