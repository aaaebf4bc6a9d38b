"""``vaxtrail migrate [SERVICE...]``: create the services' databases if needed and apply migrations.

A service whose ``<SERVICE>_DATABASE_URL`` is set is migrated there as it is (its database is someone
else's to create: a CloudNativePG cluster in deploy/k8s); the others get ``vaxtrail_<service>`` on the
``DATABASE_URL`` server, created if missing.
"""

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
    import os

    load_stack_env(stack_paths())
    chosen = args.services or SERVICES
    own = {svc: os.environ[f"{svc.upper()}_DATABASE_URL"] for svc in chosen
           if os.environ.get(f"{svc.upper()}_DATABASE_URL")}
    server_url = require_env("DATABASE_URL") if set(chosen) - set(own) else None
    print("Migrations:")
    services.migrate_services(server_url, chosen, own_urls=own)
    return 0
