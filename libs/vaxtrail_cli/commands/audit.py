"""``vaxtrail audit verify [SERVICE ...]`` and ``vaxtrail audit verify-proof``.

``verify`` re-verifies each service's event store from position 0 against the audit log (read-only SQL over
each service's ``events`` table and the audit database, found as the services find them:
``<SERVICE>_DATABASE_URL`` or the stack's ``DATABASE_URL``; see ``services/audit/verify.py``) and exits 1
naming every bad event.

``verify-proof`` checks a proof offline: ``--proof FILE`` (what ``GET /v1/proofs/inclusion`` or
``/v1/proofs/consistency`` answered, with its signed checkpoint) against a trusted key: ``--verifier-key``
(``<origin>+<key id>+<key>``), ``--public-key`` (base64 Ed25519) or, by default, the local stack's audit key.
``--leaf-data HEX`` checks the proof is for the event hash you computed yourself. ``--event-id ID`` fetches the
inclusion proof from the audit web first (signing a checkpoint when none covers the event yet; ``--save FILE``
keeps it).
"""

from __future__ import annotations

import argparse

HELP = "verify the services' stores against the audit log, or verify an inclusion / consistency proof"


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True)
    verify = sub.add_parser("verify", help="re-verify every (or the named) service's store against the audit log")
    verify.add_argument("services", nargs="*", help="default: registration inventory allocation immunization"
                        " certificate")
    proof = sub.add_parser("verify-proof", help="check an inclusion or consistency proof against a signed checkpoint")
    source = proof.add_mutually_exclusive_group(required=True)
    source.add_argument("--proof", help="a proof as the audit API answered it (JSON file, - for stdin)")
    source.add_argument("--event-id", help="fetch the inclusion proof of this event from the audit web")
    proof.add_argument("--save", help="with --event-id: write the fetched proof to this file")
    key = proof.add_mutually_exclusive_group()
    key.add_argument("--verifier-key", help="trusted key: <origin>+<key id hex>+<base64(0x01 || key)>")
    key.add_argument("--public-key", help="trusted Ed25519 public key, base64")
    proof.add_argument("--leaf-data", help="the event's chain hash you computed (hex); default: the proof's")
    proof.add_argument("--base-url", default=None, help="audit web (default http://127.0.0.1:8006)")


def run(args: argparse.Namespace) -> int:
    return verify_stores(args) if args.action == "verify" else verify_proof(args)


def verify_stores(args: argparse.Namespace) -> int:
    import os

    import psycopg

    from eventkit.settings import Settings, SettingsError
    from services.audit.projections.log import LOGGED_SERVICES
    from services.audit.verify import verify_service
    from vaxtrail_cli.commands.audit_client import local_public_key
    from vaxtrail_cli.commands.common import CommandError, load_stack_env, stack_paths

    load_stack_env(stack_paths())

    def database(service: str) -> str:
        """The service's database as its own processes find it (``<SERVICE>_DATABASE_URL`` or DATABASE_URL)."""
        try:
            return Settings.from_env(service).database_url
        except SettingsError as exc:
            raise CommandError(f"{exc} (run `vaxtrail stack up` first)") from exc

    services = args.services or list(LOGGED_SERVICES)
    unknown = [s for s in services if s not in LOGGED_SERVICES]
    if unknown:
        raise CommandError(f"no log for {', '.join(unknown)}; the logs are {', '.join(LOGGED_SERVICES)}")
    public = local_public_key()
    prefix = os.environ.get("AUDIT_LOG_ORIGIN", "vaxtrail.local/audit").rstrip("/")
    bad = 0
    with psycopg.connect(database("audit")) as audit:
        for service in services:
            with psycopg.connect(database(service)) as store:
                verifier = (f"{prefix}/{service}", public) if public else None
                report = verify_service(service, store, audit, verifier)
            checked = "" if public else " (no audit key found: checkpoint signature not checked)"
            print(f"{service}: {report.store_events} events in the store, {report.logged_events} in the audit log,"
                  f" tree {report.tree_size}, signed checkpoint {report.checkpoint_size}{checked}:"
                  f" {'OK' if report.ok else f'{len(report.problems)} problem(s)'}")
            for problem in report.problems:
                print(f"  BAD {problem}")
            bad += len(report.problems)
    return 1 if bad else 0


def verify_proof(args: argparse.Namespace) -> int:
    import base64
    import json
    import sys
    from pathlib import Path

    from services.audit.domain import merkle, notes
    from vaxtrail_cli.commands.audit_client import DEFAULT_AUDIT_URL, auditor_headers, local_public_key
    from vaxtrail_cli.commands.common import CommandError

    if args.event_id:
        base = (args.base_url or DEFAULT_AUDIT_URL).rstrip("/")
        proof = fetch_inclusion(base, args.event_id, auditor_headers())
        if args.save:
            Path(args.save).write_text(json.dumps(proof, indent=2) + "\n")
    else:
        proof = json.loads(sys.stdin.read() if args.proof == "-" else Path(args.proof).read_text())
    origin = proof["origin"]
    if args.verifier_key:
        name, key = notes.parse_verifier_key(args.verifier_key)
        if name != origin:
            raise CommandError(f"the verifier key is for {name}, the proof for {origin}")
    elif args.public_key:
        key = base64.b64decode(args.public_key)
    else:
        key = local_public_key()
        if key is None:
            raise CommandError("no trusted key: give --verifier-key or --public-key (the local stack's audit key"
                               " was not found)")
    try:
        if "first" in proof:
            first = _checkpoint(proof["first_checkpoint"], origin, key, proof["first"])
            second = _checkpoint(proof["second_checkpoint"], origin, key, proof["second"])
            merkle.verify_consistency(first.size, second.size, first.root, second.root,
                                      [base64.b64decode(h) for h in proof["proof"]])
            print(f"OK: {origin} tree {first.size} is a prefix of tree {second.size} (both checkpoints signed)")
            return 0
        checkpoint = check_inclusion(proof, key, args.leaf_data)
    except (notes.NoteError, merkle.ProofError, ValueError) as exc:
        print(f"FAILED: {exc}")
        return 1
    print(f"OK: event {proof.get('event_id', '?')} (hash {proof['leaf_data']}) is leaf {proof['leaf_index']} of"
          f" {origin} tree {checkpoint.size}, root {base64.b64encode(checkpoint.root).decode()}, signed checkpoint"
          " verified")
    return 0


def check_inclusion(proof: dict, key: bytes, leaf_data: str | None = None):
    """The signed checkpoint an inclusion proof (as ``GET /v1/proofs/inclusion`` answers it) verifies against,
    with ``key`` trusted; ``leaf_data`` (hex) checks the proof is for that event hash. Raises
    ``notes.NoteError`` (checkpoint not signed by the key), ``merkle.ProofError`` or ``ValueError``."""
    import base64

    from services.audit.domain import merkle

    checkpoint = _checkpoint(proof["checkpoint"], proof["origin"], key, proof["tree_size"])
    if leaf_data and leaf_data.lower() != proof["leaf_data"].lower():
        raise merkle.ProofError("the proof is for another leaf than the event hash given")
    merkle.verify_inclusion(merkle.leaf_hash(bytes.fromhex(proof["leaf_data"])), proof["leaf_index"],
                            checkpoint.size, [base64.b64decode(h) for h in proof["proof"]], checkpoint.root)
    return checkpoint


def fetch_inclusion(base: str, event_id: str, headers: dict[str, str], wait_seconds: float = 90.0) -> dict:
    """The event's inclusion proof; while the event is not in a signed checkpoint yet, ask the audit web to
    sign one (``POST /v1/checkpoints``) and wait for it (the event must first be sealed into its log)."""
    import time
    from urllib.parse import quote

    from vaxtrail_cli.commands.common import CommandError
    from vaxtrail_cli.http import http_json

    url = f"{base}/v1/proofs/inclusion?event_id={quote(event_id)}"
    deadline, signed = time.monotonic() + wait_seconds, False
    while True:
        try:
            status, body = http_json("GET", url, None, headers, timeout=30)
        except OSError as exc:
            raise CommandError(f"the audit web does not answer at {base} ({exc}): is the stack up?") from exc
        if status == 200:
            return body
        if status != 409 or time.monotonic() > deadline:
            raise CommandError(f"GET {url}: {status} {body.get('title', '')}: {body.get('detail', body)}")
        if body.get("rule") == "not-in-tree" and not signed:
            http_json("POST", f"{base}/v1/checkpoints", {}, headers, timeout=30)
            signed = True
        time.sleep(1.0)


def _checkpoint(note: str | None, origin: str, key: bytes, size: int):
    from services.audit.domain import notes

    if not note:
        raise notes.NoteError(f"no signed checkpoint of size {size} came with the proof")
    checkpoint = notes.parse_checkpoint(notes.open_note(note, origin, key))
    if checkpoint.origin != origin or checkpoint.size != size:
        raise notes.NoteError(f"the checkpoint is of {checkpoint.origin} size {checkpoint.size}, not {origin} {size}")
    return checkpoint
