"""``vaxtrail status``: infrastructure, every service process and the web gateway (pid, /healthz, /readyz).

Exit code 1 when anything expected is down: a server the stack manages, or a web/worker process of a
service whose package exists.
"""

from __future__ import annotations

import argparse

HELP = "show the infrastructure and every service process; exit 1 if something expected is down"


def configure(parser: argparse.ArgumentParser) -> None:
    del parser


def run(args: argparse.Namespace) -> int:
    from vaxtrail_cli import gateway, services, stack
    from vaxtrail_cli.commands.common import stack_paths

    paths = stack_paths()
    print(f"State folder: {paths.state}")
    infra_ok = stack.stack_status(paths)
    print("Services:")
    services_ok = services.services_status(paths)
    services_ok = gateway.gateway_status(paths) and services_ok
    ok = infra_ok and services_ok
    print("All up." if ok else "Something expected is down (see above; logs under " f"{paths.logs}).")
    return 0 if ok else 1
