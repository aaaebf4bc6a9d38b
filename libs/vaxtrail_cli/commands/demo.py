"""``vaxtrail demo``: walk a national warehouse receipt over HTTP against the running stack.

Mints a national_admin token with the local dev key, loads the inventory reference seed (idempotent),
registers the cold room and a fresh lot, sends a receipt with non-positive doses (expects a 422 naming
INV-2), sends a real receipt, waits until the stock read model shows it (event store -> relay -> Kafka ->
projection) and prints how long that took, then shows the stock item's audit trail with its hash-chain
check. Needs `vaxtrail up` (``make demo`` does that first).
"""

from __future__ import annotations

import argparse

HELP = "run the receipt -> Kafka -> stock-on-hand scenario against the running services"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--base-url", default="http://127.0.0.1:8002", help="inventory web (default :8002)")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for the read model")


def run(args: argparse.Namespace) -> int:
    import os
    import time
    import uuid
    from datetime import UTC, datetime, timedelta
    from pathlib import Path

    from eventkit.auth import mint_token
    from vaxtrail_cli.commands.common import CommandError, load_stack_env, stack_paths
    from vaxtrail_cli.http import http_json

    load_stack_env(stack_paths())
    key_file = os.environ.get("JWT_PRIVATE_KEY_FILE")
    if not key_file or not Path(key_file).is_file():
        raise CommandError("no development key: run `vaxtrail up` first")
    token = mint_token(Path(key_file).read_bytes(), subject="demo-national-admin", role="national_admin",
                       scopes=["national"])
    auth = {"Authorization": f"Bearer {token}"}
    lot = f"DEMO-{uuid.uuid4().hex[:6].upper()}"
    today = datetime.now(UTC)  # dates relative to now, so the demo lot is usable whenever it runs
    made, expires = (today - timedelta(days=60)).date(), (today + timedelta(days=180)).date()
    receipt = {
        "location_id": "NAT-EPI", "lot_id": lot, "presentation_id": "AZ-VAXZEVRIA-10", "doses": 0, "vials": 100,
        "source": "covax", "shipment_reference": "COVAX-DEMO", "received_at": (today - timedelta(hours=1)).isoformat(),
        "storage_unit_id": "NAT-COLDROOM-2",
    }

    print("0. reference data: POST /v1/reference/seed, the NAT-COLDROOM-2 cold room and a fresh lot")
    for path, body in (
        ("/v1/reference/seed", {"version": 1}),
        ("/v1/storage-units", {"storage_unit_id": "NAT-COLDROOM-2", "location_id": "NAT-EPI",
                               "unit_type": "FRIDGE_2_8"}),
        ("/v1/lots", {"lot_id": lot, "lot_number": lot, "presentation_id": "AZ-VAXZEVRIA-10",
                      "presentation_version": 1, "manufacture_date": made.isoformat(),
                      "label_expiry_date": expires.isoformat(), "funding_source": "COVAX"}),
    ):
        status, body = http_json("POST", f"{args.base_url}{path}", body, auth)
        if status not in (200, 201):
            raise CommandError(f"{path}: {status} {body}")
        print(f"   {path} -> {status}")

    print(f"1. POST {args.base_url}/v1/receipts with doses=0 (bad input)")
    status, body = http_json("POST", f"{args.base_url}/v1/receipts", receipt, auth)
    print(f"   -> {status} rule={body.get('rule')} field={body.get('field')}: {body.get('detail')}")
    if status != 422:
        raise CommandError(f"expected 422, got {status}: {body}")

    receipt["doses"] = 1000
    print(f"2. POST a receipt of 1,000 doses (100 vials) of lot {lot} at NAT-EPI")
    started = time.monotonic()
    status, body = http_json("POST", f"{args.base_url}/v1/receipts", receipt, auth)
    print(f"   -> {status} {body}")
    if status != 201:
        raise CommandError(f"receipt refused: {status} {body}")

    print("3. GET /v1/stock until the projection shows it")
    deadline = started + args.timeout
    while True:
        status, stock = http_json("GET", f"{args.base_url}/v1/stock?location_id=NAT-EPI&lot_id={lot}", None, auth)
        if status == 200 and stock["items"]:
            break
        if time.monotonic() > deadline:
            raise CommandError(f"stock did not show lot {lot} within {args.timeout}s (is the inventory worker up?)")
        time.sleep(0.05)
    print(f"   -> {stock['items'][0]} after {1000 * (time.monotonic() - started):.0f} ms")

    status, trail = http_json("GET", f"{args.base_url}/v1/trail/NAT-EPI/{lot}", None, auth)
    print(f"4. GET /v1/trail/NAT-EPI/{lot} -> {len(trail['events'])} event(s), chain_valid={trail['chain_valid']}")
    for event in trail["events"]:
        print(f"   v{event['aggregate_version']} {event['event_type']} by {event['actor_id']} hash {event['hash'][:16]}…")
    return 0
