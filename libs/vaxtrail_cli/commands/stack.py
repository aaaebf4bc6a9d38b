"""``vaxtrail stack up|down|status``: the infrastructure only (PostgreSQL, Kafka, databases, topics, keys)."""

from __future__ import annotations

import argparse
import time

HELP = "start/stop/inspect the infrastructure: PostgreSQL, Kafka, databases, topics, dev JWT keys"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=("up", "down", "status"))


def run(args: argparse.Namespace) -> int:
    from vaxtrail_cli import stack
    from vaxtrail_cli.commands.common import stack_paths
    from vaxtrail_cli.statefile import state_lock

    paths = stack_paths()
    print(f"State folder: {paths.state}")
    if args.action == "status":
        return 0 if stack.stack_status(paths) else 1
    with state_lock(paths.state):
        if args.action == "up":
            started = time.monotonic()
            info = stack.stack_up(paths)
            print(f"Stack is up in {time.monotonic() - started:.1f}s:")
            print(f"  DATABASE_URL={info.server_url}")
            print(f"  KAFKA_BOOTSTRAP={info.kafka_bootstrap}")
            print(f"  set -a; . {paths.stack_env}; set +a   # to use it from a shell")
            return 0
        alive = stack.any_service_running(paths)
        if alive:
            print(f"warning: service processes still running ({', '.join(alive)}); `vaxtrail down` stops them")
        stack.stack_down(paths)
        return 0
