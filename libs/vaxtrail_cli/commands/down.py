"""``vaxtrail down``: stop workers, web processes and the web gateway, then the broker and PostgreSQL this stack
started."""

from __future__ import annotations

import argparse

HELP = "stop every service process, then Kafka and PostgreSQL (data is kept)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--keep-infra", action="store_true",
                        help="stop only the service processes; leave Kafka and PostgreSQL running")


def run(args: argparse.Namespace) -> int:
    from vaxtrail_cli import gateway, services, stack
    from vaxtrail_cli.commands.common import stack_paths
    from vaxtrail_cli.statefile import state_lock

    paths = stack_paths()
    with state_lock(paths.state):
        stopped = services.stop_services(paths) + int(gateway.stop_gateway(paths))
        print(f"Service processes stopped: {stopped}")
        if not args.keep_infra:
            stack.stack_down(paths)
    return 0
