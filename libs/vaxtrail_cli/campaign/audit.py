"""The demo's last step: one dose's audit trail, and one inclusion proof of its ``DoseAdministered`` event.

The audit service learns the dose from five topics, so the driver polls ``GET /v1/doses/{dose_id}/trail`` until
the trail holds the dose's own steps: its ``DoseAdministered`` and the events named in ``also`` (what the
caller knows happened to the dose in each service: its correction, its certificates, its session plan, its
lot's receipt). It prints the trail with ``vaxtrail trail dose``'s
:func:`~vaxtrail_cli.commands.trail.render`, then fetches and checks the proof as ``vaxtrail audit verify-proof
--event-id`` does (:func:`~vaxtrail_cli.commands.audit.fetch_inclusion`, which asks for a checkpoint when
none covers the event yet, and :func:`~vaxtrail_cli.commands.audit.check_inclusion` against a trusted key).
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Collection
from dataclasses import dataclass
from urllib.parse import quote

from vaxtrail_cli.campaign.client import Api
from vaxtrail_cli.campaign.polling import NotReady, until
from vaxtrail_cli.commands.audit import check_inclusion, fetch_inclusion
from vaxtrail_cli.commands.trail import render

DOSE_ADMINISTERED = "DoseAdministered"


@dataclass(frozen=True)
class Proven:
    """What the proof check found: the event, its leaf, the signed checkpoint, and whether it all verified."""

    event_id: str
    leaf_index: int
    origin: str
    tree_size: int
    root: str
    verified: bool
    problem: str = ""

    def summary(self) -> dict:
        return {"event_id": self.event_id, "leaf_index": self.leaf_index, "origin": self.origin,
                "checkpoint_tree_size": self.tree_size, "checkpoint_root": self.root, "verified": self.verified,
                **({"problem": self.problem} if self.problem else {})}


def step_named(trail: dict, name: str) -> dict | None:
    """The trail's first step of event type ``name`` (the short name: ``DoseAdministered``), or None."""
    return next((s for s in trail["steps"] if s["event_type"].rsplit(".", 1)[-1] == name), None)


def wait_for_trail(api: Api, auditor: dict[str, str], dose_id: str, *, timeout: float,
                   also: Collection[str] = ()) -> dict:
    """The dose's trail once the audit web holds its ``DoseAdministered`` and a step of each name in ``also``."""
    wanted = (DOSE_ADMINISTERED, *also)
    last: list[dict] = [{"steps": []}]

    def complete() -> dict | None:
        answer = api.get("audit", f"/v1/doses/{quote(dose_id, safe='')}/trail", auditor,
                         route="GET /v1/doses/{dose_id}/trail")
        if answer.status != 200:
            return None
        last[0] = trail = answer.json()
        return trail if all(step_named(trail, name) for name in wanted) else None
    try:
        return until(complete, timeout=timeout, what=f"the audit trail of dose {dose_id}")
    except NotReady as exc:
        missing = [name for name in wanted if not step_named(last[0], name)]
        raise NotReady(f"{exc}: {len(last[0]['steps'])} steps, none of {', '.join(missing)}") from None


def prove_step(audit_url: str, auditor: dict[str, str], step: dict, trusted_key: bytes, *,
               timeout: float) -> Proven:
    """Fetch the step's inclusion proof (a checkpoint is signed on demand) and check it against ``trusted_key``
    and the step's own hash."""
    proof = fetch_inclusion(audit_url.rstrip("/"), step["event_id"], auditor, wait_seconds=timeout)
    try:
        checkpoint = check_inclusion(proof, trusted_key, step["hash"])
    except ValueError as exc:  # notes.NoteError and merkle.ProofError are ValueErrors
        return Proven(step["event_id"], proof["leaf_index"], proof["origin"], proof["tree_size"], "", False, str(exc))
    return Proven(step["event_id"], proof["leaf_index"], proof["origin"], checkpoint.size,
                  base64.b64encode(checkpoint.root).decode(), True)


def show_dose_audit(api: Api, auditor: dict[str, str], dose_id: str, trusted_key: bytes,
                    say: Callable[[str], None], *, timeout: float, also: Collection[str] = ()) -> Proven:
    """Print the dose's trail as a tree, then prove its ``DoseAdministered`` and print the outcome."""
    trail = wait_for_trail(api, auditor, dose_id, timeout=timeout, also=also)
    say(render(trail))
    proven = prove_step(api.urls["audit"], auditor, step_named(trail, DOSE_ADMINISTERED), trusted_key,
                        timeout=timeout)
    if proven.verified:
        say(f"inclusion proof of {DOSE_ADMINISTERED} {proven.event_id}: leaf {proven.leaf_index} of {proven.origin}"
            f" tree size {proven.tree_size}, root {proven.root}; signed checkpoint verified")
    else:
        say(f"inclusion proof of {DOSE_ADMINISTERED} {proven.event_id}: FAILED: {proven.problem}")
    return proven
