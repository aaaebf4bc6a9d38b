"""``vaxtrail migrate [SERVICE...]``: create the services' databases if needed and apply migrations."""

from __future__ import annotations

import argparse

HELP = "apply eventkit's and the services' SQL migrations (all services by default)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("services", nargs="*", metavar="SERVICE", help="services to migrate (default: all)")


def run(args: argparse.Namespace) -> int:
    from eventkit.settings import SERVICES
    from vaxtrail_cli import services
    from vaxtrail_cli.commands.common import CommandError, load_stack_env, require_env, stack_paths

    unknown = [svc for svc in args.services if svc not in SERVICES]
    if unknown:
        raise CommandError(f"unknown service(s) {', '.join(unknown)}; expected some of {', '.join(SERVICES)}")
    load_stack_env(stack_paths())
    server_url = require_env("DATABASE_URL")
    print("Migrations:")
    services.migrate_services(server_url, args.services or SERVICES)
    return 0
