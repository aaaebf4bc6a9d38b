"""``vaxtrail export``: topics to Parquet, partitioned by topic / event type / day, and a DuckDB database.

Person and actor ids are pseudonymised with HMAC-SHA256 under an export key that lives outside the
repository (``--key-file`` or ``VAXTRAIL_EXPORT_KEY_FILE``; ``--new-key`` writes a fresh one). Direct
identifiers (names, identity document numbers, phones, addresses, full dates of birth) are exported only with
``--identifiers`` and a bearer token (``--token`` or ``VAXTRAIL_TOKEN``) of role national_admin with national
scope, verified like the services verify tokens (JWT_PUBLIC_KEY_FILE / JWT_JWKS_URL). Running it again
continues where the last run stopped. See docs/analysts.md.
"""

from __future__ import annotations

import argparse

HELP = "export topics to Parquet (pseudonymised) and a DuckDB database; resumable"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", required=True, help="the export folder (created; reused to resume)")
    parser.add_argument("--topics", default="", help="comma-separated topics (default: every service's "
                        "vaxtrail.<service>.v1)")
    parser.add_argument("--key-file", help="the pseudonymisation key (default $VAXTRAIL_EXPORT_KEY_FILE)")
    parser.add_argument("--new-key", action="store_true", help="create the key file first (refuses to overwrite)")
    parser.add_argument("--identifiers", action="store_true",
                        help="export direct identifiers and clear ids (needs a national_admin token)")
    parser.add_argument("--token", help="bearer token proving the role for --identifiers (default $VAXTRAIL_TOKEN)")
    parser.add_argument("--chunk-records", type=int, default=50_000, help="records per committed chunk")
    parser.add_argument("--max-rate", type=float, default=None, help="at most this many records per second")


def run(args: argparse.Namespace) -> int:
    import os
    from pathlib import Path

    from vaxtrail_analytics.export import ExportRefused, export, write_views
    from vaxtrail_analytics.progress import Progress

    from eventkit.settings import SERVICES, kafka_security
    from eventkit.topics import event_topic
    from vaxtrail_cli.commands.common import CommandError, load_stack_env, require_env, stack_paths

    load_stack_env(stack_paths())
    bootstrap = require_env("KAFKA_BOOTSTRAP")
    topics = [t.strip() for t in args.topics.split(",") if t.strip()] or [event_topic(s) for s in SERVICES]
    policy = identifiers_policy(args) if args.identifiers else pseudonym_policy(args)
    bar = Progress("export", 0)

    def progress(done: int, total: int) -> None:
        bar.total = total
        bar.update(done)

    try:
        result = export(bootstrap, topics, Path(args.out), policy, chunk_records=args.chunk_records,
                        max_rate=args.max_rate, progress=progress, security=kafka_security(os.environ))
    except (ExportRefused, OSError) as exc:
        raise CommandError(str(exc)) from exc
    bar.finish()
    views = write_views(Path(args.out))
    print(f"exported {result.written:,} events ({policy.mode}) of {', '.join(topics)} in {result.seconds:.1f} s "
          f"to {args.out}; {result.not_events} record(s) without an envelope skipped")
    print(f"DuckDB: {Path(args.out) / 'vaxtrail.duckdb'} with {len(views)} view(s) "
          f"({', '.join(sorted(views)[:6])}{' ...' if len(views) > 6 else ''}), plus records and events")
    return 0


def pseudonym_policy(args):
    import os

    from vaxtrail_analytics.export import Pseudonymised, new_key, read_key

    from vaxtrail_cli.commands.common import CommandError

    path = args.key_file or os.environ.get("VAXTRAIL_EXPORT_KEY_FILE")
    if not path:
        raise CommandError("no export key: pass --key-file FILE (with --new-key to create one) or set "
                           "VAXTRAIL_EXPORT_KEY_FILE; keep it out of the repository")
    try:
        if args.new_key:
            new_key(path)
        return Pseudonymised(read_key(path))
    except (OSError, ValueError) as exc:
        raise CommandError(f"export key {path}: {exc}") from exc


def identifiers_policy(args):
    """The principal of the token must be national_admin with national scope (checked like a service does)."""
    import os

    from vaxtrail_analytics.export import Identifiers
    from vaxtrail_analytics.export.privacy import IDENTIFIER_ROLE, IDENTIFIER_SCOPE

    from eventkit.auth import Authenticator, Forbidden, Unauthenticated
    from eventkit.settings import Settings, SettingsError
    from vaxtrail_cli.commands.common import CommandError

    token = args.token or os.environ.get("VAXTRAIL_TOKEN")
    if not token:
        raise CommandError("--identifiers needs a bearer token of role national_admin: --token or VAXTRAIL_TOKEN")
    try:
        principal = Authenticator.from_settings(Settings.from_env("registration")).authenticate(f"Bearer {token}")
    except (SettingsError, Unauthenticated, ValueError) as exc:
        raise CommandError(f"the token does not verify: {exc}") from exc
    if principal.role != IDENTIFIER_ROLE:
        raise CommandError(f"--identifiers needs role {IDENTIFIER_ROLE}; the token's role is {principal.role}")
    try:
        principal.require_scope([IDENTIFIER_SCOPE])
    except Forbidden as exc:
        raise CommandError(f"--identifiers needs national scope: {exc}") from exc
    return Identifiers(actor_id=principal.actor_id, role=principal.role)
