"""``vaxtrail up``: ``stack up``, migrate every service, start its web and worker processes and the web gateway
(http://127.0.0.1:8080), show the map."""

from __future__ import annotations

import argparse
import time

from vaxtrail_cli.paths import StackPaths

HELP = "bring up the whole local system (stack up + migrations + every service's web and worker + the web app)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--timeout", type=float, default=60.0,
                        help="seconds each web process gets to answer /healthz (default 60)")


def run(args: argparse.Namespace) -> int:
    from vaxtrail_cli.commands.common import stack_paths
    from vaxtrail_cli.statefile import state_lock

    started = time.monotonic()
    paths = stack_paths()
    print(f"State folder: {paths.state}")
    with state_lock(paths.state):
        return _up(paths, started, args.timeout)


def _up(paths: StackPaths, started: float, timeout: float) -> int:
    from eventkit.settings import PORTS, SERVICES, service_database_url
    from vaxtrail_cli import gateway, services, stack
    from vaxtrail_cli.processes import ProcessError

    info = stack.stack_up(paths)
    present = services.available_services(out=print)
    print("Migrations:")
    services.migrate_services(info.server_url, present)
    print("Processes:")
    try:
        running = services.start_services(paths, present, info.env, timeout=timeout)
        gateway.start_gateway(paths, info.env, timeout=timeout)
    except ProcessError as exc:
        raise ProcessError(f"{exc}\n(what did start keeps running: `vaxtrail status`, `vaxtrail down`)") from exc
    running_names = {proc.name for proc in running}

    print(f"\nVaxTrail is up ({time.monotonic() - started:.1f}s). Where everything is:\n")
    print(f"  {'service':<13} {'web':<24} {'web log / worker log'}")
    for svc in SERVICES:
        web = services.ServiceProcess(svc, "web", paths)
        worker = services.ServiceProcess(svc, "worker", paths)
        if svc not in present:
            print(f"  {svc:<13} {'(not written yet)':<24}")
            continue
        url = f"http://127.0.0.1:{PORTS[svc]}" if web.name in running_names else "(no web process)"
        worker_log = worker.log_file if worker.name in running_names else "(no worker process)"
        print(f"  {svc:<13} {url:<24} {web.log_file}")
        print(f"  {'':<13} {'':<24} {worker_log}")
        print(f"  {'':<13} {'':<24} db {service_database_url(info.server_url, svc)}")
    print(f"\n  Web app + API    {gateway.url(paths)}   (/api/<service>/..., log {gateway.log_file(paths)})")
    print(f"  Kafka bootstrap   {info.kafka_bootstrap}   (log {paths.logs / 'kafka.log'})")
    print(f"  PostgreSQL        {info.server_url}   (log {paths.logs / 'postgres.log'})")
    print(f"  Environment       set -a; . {paths.stack_env}; set +a")
    print("  Bearer token      vaxtrail token --role national_admin --scope national")
    print('                    curl -H "Authorization: Bearer $(vaxtrail token --role national_admin '
          '--scope national)" http://127.0.0.1:8001/...')
    print("  Status / stop     vaxtrail status   |   vaxtrail down")
    return 0
