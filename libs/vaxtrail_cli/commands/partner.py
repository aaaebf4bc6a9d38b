"""``vaxtrail partner add NAME --feeds doses,stock`` / ``revoke NAME`` / ``list``: partner grants, as events.

Calls the partner service (``POST /v1/partners``, ``POST /v1/partners/<name>/revocation``) with a
national_admin token minted by the local development key, and for ``add`` prints the client properties the
partner needs, as JSON: the bootstrap servers, its topics, its consumer-group prefix. The broker does not
authenticate partners yet, so ``security.protocol`` is PLAINTEXT and the SASL fields are null; once it enforces
SASL/SCRAM and ACLs (docs/partners.md "Not done yet") they carry the partner's username and password.
"""

from __future__ import annotations

import argparse

HELP = "grant, revoke or list partner feeds (national_admin); add prints the partner's client properties as JSON"
DEFAULT_PARTNER_URL = "http://127.0.0.1:8007"


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True)
    add = sub.add_parser("add", help="grant feeds to a partner and print its client properties")
    add.add_argument("name")
    add.add_argument("--feeds", required=True, help="comma separated: doses, stock, aefi, revocations")
    add.add_argument("--reason", default="granted with vaxtrail partner add", help="agreement or ticket")
    revoke = sub.add_parser("revoke", help="revoke every feed of a partner")
    revoke.add_argument("name")
    revoke.add_argument("--reason", default="revoked with vaxtrail partner revoke")
    listing = sub.add_parser("list", help="the grants")
    for action in (add, revoke, listing):
        action.add_argument("--base-url", default=None, help=f"partner web (default {DEFAULT_PARTNER_URL})")


def run(args: argparse.Namespace) -> int:
    import json
    import os
    from urllib.parse import quote

    from vaxtrail_cli.commands.audit_client import auditor_headers
    from vaxtrail_cli.commands.common import CommandError, require_env

    base = (args.base_url or DEFAULT_PARTNER_URL).rstrip("/")
    headers = auditor_headers(role="national_admin")
    if args.action == "list":
        print(json.dumps(_call("GET", f"{base}/v1/partners", None, headers), indent=2))
        return 0
    if args.action == "revoke":
        body = _call("POST", f"{base}/v1/partners/{quote(args.name, safe='')}/revocation",
                     {"reason": args.reason}, headers)
        print(json.dumps({"partner": body["partner"], "revoked": True, "event_ids": body["event_ids"]}, indent=2))
        return 0
    feeds = [f.strip().upper() for f in args.feeds.split(",") if f.strip()]
    body = _call("POST", f"{base}/v1/partners", {"partner": args.name, "feeds": feeds, "reason": args.reason},
                 headers)
    if not os.environ.get("KAFKA_BOOTSTRAP"):
        raise CommandError("the grant is recorded, but KAFKA_BOOTSTRAP is unknown: run `vaxtrail up` first")
    print(json.dumps(client_properties(body, require_env("KAFKA_BOOTSTRAP")), indent=2))
    return 0


def client_properties(grant: dict, bootstrap: str) -> dict:
    """What a partner configures its Kafka client with (standard Kafka client property names)."""
    return {
        "bootstrap.servers": bootstrap,
        "security.protocol": "PLAINTEXT",
        "sasl.mechanism": None,
        "sasl.username": None,
        "sasl.password": None,
        "group.id.prefix": grant["group_prefix"],
        "topics": dict(zip(grant["feeds"], grant["topics"], strict=True)),
        "principal": grant["principal"],
        "note": "the broker does not enforce SASL/SCRAM or ACLs yet: sasl.* stay null until it does"
                " (docs/partners.md); use a group id starting with group.id.prefix",
    }


def _call(method: str, url: str, body: dict | None, headers: dict[str, str]) -> dict:
    from vaxtrail_cli.commands.common import CommandError
    from vaxtrail_cli.http import http_json

    try:
        status, answer = http_json(method, url, body, headers, timeout=30)
    except OSError as exc:
        raise CommandError(f"the partner service does not answer at {url} ({exc}): is the stack up?") from exc
    if status not in (200, 201):
        raise CommandError(f"{method} {url}: {status} {answer.get('title', '')}: {answer.get('detail', answer)}")
    return answer
