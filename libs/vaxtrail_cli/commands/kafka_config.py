"""``vaxtrail kafka-config [--admin | SERVICE]``: how a principal connects to the local stack's broker, as JSON.

Prints Kafka's client properties (``bootstrap.servers``, ``security.protocol``, ``sasl.mechanism``,
``sasl.username``, ``sasl.password``) of the admin (the default; what the CLI connects as) or of a service's
principal (``svc-<service>``, what its processes connect as), from ``<state>/stack.env`` and
``<state>/kafka-principals.json`` (:mod:`vaxtrail_cli.kafka_auth`). On a plaintext broker the ``sasl.*`` are null.
"""

from __future__ import annotations

import argparse

HELP = "print the Kafka client properties (bootstrap, SASL) of the admin or of a service, as JSON"


def configure(parser: argparse.ArgumentParser) -> None:
    from eventkit.settings import SERVICES

    who = parser.add_mutually_exclusive_group()
    who.add_argument("--admin", action="store_true", help="the broker's admin (the default)")
    who.add_argument("service", nargs="?", choices=SERVICES, help="a service's principal (svc-<service>)")


def run(args: argparse.Namespace) -> int:
    import json

    from vaxtrail_cli import kafka_auth
    from vaxtrail_cli.commands.common import CommandError, load_stack_env, require_env, stack_paths
    from vaxtrail_cli.kafka_access import ADMIN_PRINCIPAL, service_principal

    paths = stack_paths()
    load_stack_env(paths)
    bootstrap = require_env("KAFKA_BOOTSTRAP")
    principal = service_principal(args.service) if args.service else ADMIN_PRINCIPAL
    try:
        credential = kafka_auth.stack_credential(paths, principal)
    except LookupError as exc:
        raise CommandError(str(exc)) from exc
    properties = kafka_auth.client_properties(bootstrap, credential)
    print(json.dumps({**properties, "principal": principal if credential else None}, indent=2))
    return 0
