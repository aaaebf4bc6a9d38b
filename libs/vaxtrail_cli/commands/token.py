"""``vaxtrail token``: print a bearer token signed with the local development key."""

from __future__ import annotations

import argparse

HELP = "print a bearer token signed by the local dev key (needs `vaxtrail stack up` once)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--role", required=True, help="e.g. national_admin, vaccinator, citizen, auditor")
    parser.add_argument("--scope", action="append", required=True, metavar="SCOPE",
                        help="national, province:<code>, district:<code>, site:<code> or person:<id>; repeatable")
    parser.add_argument("--sub", default=None, help="subject (actor id); default dev-<role>")
    parser.add_argument("--ttl", type=int, default=3600, metavar="SECONDS", help="lifetime (default 3600)")


def run(args: argparse.Namespace) -> int:
    import os
    from pathlib import Path

    from eventkit.auth import mint_token
    from vaxtrail_cli.commands.common import CommandError, load_stack_env, stack_paths

    paths = stack_paths()
    load_stack_env(paths)
    key_file = os.environ.get("JWT_PRIVATE_KEY_FILE")
    if not key_file or not Path(key_file).is_file():
        raise CommandError(f"no development private key ({key_file or 'JWT_PRIVATE_KEY_FILE unset'}); "
                           "run `vaxtrail stack up` first")
    try:
        token = mint_token(Path(key_file).read_bytes(), subject=args.sub or f"dev-{args.role}", role=args.role,
                           scopes=args.scope, ttl_seconds=args.ttl)
    except ValueError as exc:
        raise CommandError(str(exc)) from exc
    print(token)
    return 0
