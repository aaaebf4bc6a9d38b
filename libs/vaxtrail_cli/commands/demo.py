"""``vaxtrail demo``: a small but complete campaign against the running stack, through the public APIs only.

Receipts of several products, a plan approved and released, shipments with proof of delivery, sessions at
two sites with postponements, vials and wastage, an AEFI, certificates, a correction that revokes and
reissues, a lot recall (:mod:`vaxtrail_cli.campaign.demo`). Then it waits for the audit service to hold the
corrected dose, prints its trail as ``vaxtrail trail dose ID`` does and verifies an inclusion proof of its
``DoseAdministered`` against a signed checkpoint and the local stack's audit key, as ``vaxtrail audit
verify-proof --event-id ID`` does. It prints each step and a summary, writes the ids it created to
``<state>/demo/summary.json`` (``dose_id``, ``lot_id``, ``person_id``, ``certificate_id``, ``proof`` with the
event id and the checkpoint's tree size, and more) and leaves the stack running; it exits 1 if the proof does
not verify. Needs `vaxtrail up` (``make demo`` does that first); every run uses fresh ids, so it can run again
on the same stack.
"""

from __future__ import annotations

import argparse

HELP = ("run a small complete campaign through the public APIs, print one dose's audit trail and verify its inclusion"
        " proof; writes <state>/demo/summary.json")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", default=None, help="summary file (default <state>/demo/summary.json)")


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from vaxtrail_cli.campaign.demo import run_demo, write_summary
    from vaxtrail_cli.commands.audit_client import local_public_key
    from vaxtrail_cli.commands.common import CommandError, ready_local_stack, stack_paths

    stack = ready_local_stack()
    audit_key = local_public_key()
    if audit_key is None:
        raise CommandError("the local stack's audit key was not found (is the stack up? `make up`)")
    summary = run_demo(stack.urls, stack.private_key, audit_key=audit_key)
    out = write_summary(summary, Path(args.out) if args.out else stack_paths().state / "demo" / "summary.json")
    print("\nSummary (ids to look up):")
    for name in ("lot_id", "person_id", "dose_id", "certificate_id", "revoked_certificate_id", "aefi_id"):
        print(f"  {name:<24} {summary.get(name)}")
    print(f"  {'recalled lot':<24} {summary['recall']['lot_id']} (certificate {summary['recall']['certificate_id']})")
    proof = summary["proof"]
    print(f"  {'proven event':<24} {proof['event_id']} (checkpoint tree size {proof['checkpoint_tree_size']}:"
          f" {'verified' if proof['verified'] else 'NOT VERIFIED'})")
    print(f"\nwritten: {out}\nThe stack keeps running: `vaxtrail status`, `make down` to stop it.")
    return 0 if proof["verified"] else 1
