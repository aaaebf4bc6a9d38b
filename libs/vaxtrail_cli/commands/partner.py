"""``vaxtrail partner add NAME --feeds doses,stock`` / ``revoke NAME`` / ``list``: partner grants, as events.

Calls the partner service (``POST /v1/partners``, ``POST /v1/partners/<name>/revocation``) with a
national_admin token minted by the local development key. Once the grant event is accepted, ``add`` gives the
partner's principal its SCRAM credential and exactly the ACLs of its granted topics on the stack's broker (a
re-grant replaces them; :func:`vaxtrail_cli.kafka_auth.grant_partner`) and prints the client properties the partner
needs, as JSON: bootstrap servers, ``security.protocol`` ``SASL_PLAINTEXT``, SCRAM mechanism, username and
password, its topics, its consumer-group prefix. ``revoke`` deletes its ACLs and its credential. A stack whose
broker runs without SASL and an authorizer (no ``<state>/kafka-principals.json``, e.g. a test broker) gets no
broker work: ``add`` prints PLAINTEXT, null ``sasl.*`` and says so in ``note``.
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

    from vaxtrail_cli import kafka_auth
    from vaxtrail_cli.commands.audit_client import auditor_headers
    from vaxtrail_cli.commands.common import CommandError, require_env, stack_paths

    base = (args.base_url or DEFAULT_PARTNER_URL).rstrip("/")
    headers = auditor_headers(role="national_admin")
    store = kafka_auth.stack_store(stack_paths())
    if args.action == "list":
        print(json.dumps(_call("GET", f"{base}/v1/partners", None, headers), indent=2))
        return 0
    if args.action == "revoke":
        body = _call("POST", f"{base}/v1/partners/{quote(args.name, safe='')}/revocation",
                     {"reason": args.reason}, headers)
        broker = store.exists()
        if broker:
            kafka_auth.revoke_partner(require_env("KAFKA_BOOTSTRAP"), store, args.name)
        print(json.dumps({"partner": body["partner"], "revoked": True, "event_ids": body["event_ids"],
                          "broker_access_removed": broker}, indent=2))
        return 0
    feeds = [f.strip().upper() for f in args.feeds.split(",") if f.strip()]
    body = _call("POST", f"{base}/v1/partners", {"partner": args.name, "feeds": feeds, "reason": args.reason},
                 headers)
    if not os.environ.get("KAFKA_BOOTSTRAP"):
        raise CommandError("the grant is recorded, but KAFKA_BOOTSTRAP is unknown: run `vaxtrail up` first")
    bootstrap = require_env("KAFKA_BOOTSTRAP")
    credential = kafka_auth.grant_partner(bootstrap, store, args.name, body["topics"]) if store.exists() else None
    print(json.dumps(client_properties(body, bootstrap, credential), indent=2))
    return 0


def client_properties(grant: dict, bootstrap: str, credential=None) -> dict:
    """What a partner configures its Kafka client with (standard Kafka client property names); ``credential``
    None: the broker authenticates nobody."""
    from vaxtrail_cli.kafka_auth import client_properties as connection

    note = ("use a group id starting with group.id.prefix; the broker refuses any other group and every topic "
            "not in topics" if credential else
            "this broker runs without SASL and an authorizer (a test broker): no credential or ACL was made, any "
            "client may read any topic; use a group id starting with group.id.prefix")
    return {
        **connection(bootstrap, credential),
        "group.id.prefix": grant["group_prefix"],
        "topics": dict(zip(grant["feeds"], grant["topics"], strict=True)),
        "principal": grant["principal"],
        "note": note,
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
