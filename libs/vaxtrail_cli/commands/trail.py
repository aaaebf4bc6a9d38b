"""``vaxtrail trail dose|lot|person|certificate ID [--json]``: a trail from the audit web, as a readable tree.

Reads ``GET /v1/<kind>s/<id>/trail`` with an auditor token minted by the local development key. A person's
trail needs a purpose (``--purpose``, default INVESTIGATION) and is recorded as ``PersonalDataAccessed``.
"""

from __future__ import annotations

import argparse

HELP = "print the audit trail of a dose, lot, person or certificate (a readable tree, or --json)"
KINDS = {"dose": "doses", "lot": "lots", "person": "persons", "certificate": "certificates"}


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("kind", choices=sorted(KINDS))
    parser.add_argument("id", help="the dose, lot, person or certificate id")
    parser.add_argument("--json", action="store_true", help="print the API's JSON instead of the tree")
    parser.add_argument("--base-url", default=None, help="audit web (default http://127.0.0.1:8006)")
    parser.add_argument("--purpose", default="INVESTIGATION", help="declared purpose of a person's trail")


def run(args: argparse.Namespace) -> int:
    import json
    from urllib.parse import quote

    from vaxtrail_cli.commands.audit_client import DEFAULT_AUDIT_URL, auditor_headers, get

    base = (args.base_url or DEFAULT_AUDIT_URL).rstrip("/")
    headers = auditor_headers(purpose=args.purpose if args.kind == "person" else None)
    body = get(f"{base}/v1/{KINDS[args.kind]}/{quote(args.id, safe='')}/trail", headers)
    print(json.dumps(body, indent=2, ensure_ascii=False) if args.json else render(body))
    return 0


def render(trail: dict) -> str:
    """The trail as a tree: one branch per step in causal order, its envelope facts beneath it."""
    steps = trail["steps"]
    verdict = "every chain link verified" if trail["chain_verified"] else "SOME CHAIN LINKS DO NOT VERIFY"
    lines = [f"{trail['kind']} {trail['id']}",
             f"  {len(steps)} events across {len(trail['services'])} services ({', '.join(trail['services'])});"
             f" {verdict}"]
    width = max((len(s["event_type"].rsplit(".", 1)[-1]) for s in steps), default=0)
    for i, s in enumerate(steps):
        last = i == len(steps) - 1
        branch, stem = ("└── ", "    ") if last else ("├── ", "│   ")
        mark = "✓" if s["chain_verified"] else "✗ chain link broken"
        name = s["event_type"].rsplit(".", 1)[-1]
        lines.append(f"{branch}{s['service']:<13} {name:<{width}}  {s['business_time'][:19]}Z  "
                     f"{s['actor']['id']} ({s['actor']['role']})  {mark}")
        leaf = "unsealed" if s["leaf_index"] is None else f"leaf {s['leaf_index']}"
        lines.append(f"{stem}    event {s['event_id']} · {s['aggregate_id']} v{s['aggregate_version']} · "
                     f"position {s['log_position']} · {leaf} · recorded {s['recorded_time'][:19]}Z · "
                     f"payload sha256 {s['payload_sha256'][:16]}…")
    for row in trail.get("recall") or []:
        certificates = ", ".join(f"{c['certificate_id']} ({c['status']})" for c in row["certificates"]) or "none"
        lines.append(f"recall: dose {row['dose_id']} person {row['person_id']} at {row['site_id']} "
                     f"{row['administered_at'][:10]} [{row['dose_status']}] certificates: {certificates}")
    return "\n".join(lines)
