"""The services' processes on the local stack: migrations, one web and one worker process per service.

A service takes part once its package exists: ``services.<svc>`` (migrations in
``services/<svc>/migrations``), ``services.<svc>.wsgi`` (``create_app()``) and ``services.<svc>.worker``
(runnable with ``python -m``). Missing pieces are skipped with a warning, so the stack works while
services are still being written.

Web: ``gunicorn -c python:eventkit.web.gunicorn_conf 'services.<svc>.wsgi:create_app()'`` with
``PORT`` from :data:`eventkit.settings.PORTS`; worker: ``python -m services.<svc>.worker``. Each runs
detached with ``<state>/run/<svc>-{web,worker}.pid`` and ``<state>/logs/<svc>-{web,worker}.log``.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from vaxtrail_cli import processes
from vaxtrail_cli.paths import SOURCE_ROOT, StackPaths

Printer = Callable[[str], None]
KINDS = ("web", "worker")


def _spec(module: str):
    try:
        return importlib.util.find_spec(module)
    except ModuleNotFoundError:
        return None


def service_package_dir(service: str) -> Path | None:
    """The folder of package ``services.<service>``, or None if it does not exist (yet)."""
    spec = _spec(f"services.{service}")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def has_module(module: str) -> bool:
    return _spec(module) is not None


@dataclass(frozen=True)
class ServiceProcess:
    service: str
    kind: str
    paths: StackPaths

    @property
    def name(self) -> str:
        return f"{self.service}-{self.kind}"

    @property
    def module(self) -> str:
        return f"services.{self.service}.{'wsgi' if self.kind == 'web' else 'worker'}"

    @property
    def pid_file(self) -> Path:
        return self.paths.run / f"{self.name}.pid"

    @property
    def log_file(self) -> Path:
        return self.paths.logs / f"{self.name}.log"

    @property
    def marker(self) -> str:
        """The module path appears in the command line of both gunicorn and ``python -m``."""
        return self.module

    @property
    def port(self) -> int | None:
        from eventkit.settings import PORTS

        return PORTS[self.service] if self.kind == "web" else None

    def argv(self) -> list[str]:
        if self.kind == "web":
            return [sys.executable, "-m", "gunicorn", "-c", "python:eventkit.web.gunicorn_conf",
                    f"{self.module}:create_app()"]
        return [sys.executable, "-m", self.module]

    def running_pid(self) -> int | None:
        return processes.running_pid(self.pid_file, self.marker)


def available_services(services: Iterable[str] | None = None, *, out: Printer | None = None) -> list[str]:
    """The services whose package exists, warning (through ``out``) about the others."""
    from eventkit.settings import SERVICES

    found = []
    for svc in SERVICES if services is None else services:
        if service_package_dir(svc) is None:
            if out:
                out(f"warning: services.{svc} does not exist yet; skipping {svc}")
            continue
        found.append(svc)
    return found


def migrate_services(server_url: str | None, services: Iterable[str], *, out: Printer = print,
                     own_urls: Mapping[str, str] | None = None) -> dict[str, list[str]]:
    """Create each service's database if needed and apply eventkit's and the service's migrations.

    A service in ``own_urls`` is migrated at that URL, which must name an existing database.
    """
    from eventkit.db import ensure_database, migrate
    from eventkit.settings import database_name, service_database_url

    applied: dict[str, list[str]] = {}
    for svc in services:
        package = service_package_dir(svc)
        if package is None:
            out(f"warning: services.{svc} does not exist yet; not migrating {svc}")
            continue
        url = (own_urls or {}).get(svc)
        if url is None:
            ensure_database(server_url, database_name(svc))
            url = service_database_url(server_url, svc)
        folder = package / "migrations"
        names = migrate(url, folder if folder.is_dir() else None)
        applied[svc] = names
        out(f"  {svc:<13} {('applied ' + ', '.join(names)) if names else 'up to date'}")
    return applied


def process_env(proc: ServiceProcess, stack_env: Mapping[str, str]) -> dict[str, str]:
    """The stack's variables, with the service's own Kafka principal on a SASL broker (not the admin's)."""
    from vaxtrail_cli.kafka_auth import service_env

    env = dict(os.environ)
    env.update(stack_env)
    env.update(service_env(proc.paths, proc.service, stack_env))
    env["VAXTRAIL_SERVICE"] = proc.service
    env.pop("PORT", None)
    if proc.port is not None:
        env["PORT"] = str(proc.port)
    if proc.kind == "worker":
        from eventkit.settings import WORKER_METRICS_PORTS

        env["METRICS_PORT"] = str(WORKER_METRICS_PORTS[proc.service])
        env.pop("PROMETHEUS_MULTIPROC_DIR", None)  # workers use a plain single-process registry
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def start_services(
    paths: StackPaths, services: Iterable[str], stack_env: Mapping[str, str], *,
    timeout: float = 60.0, out: Printer = print,
) -> list[ServiceProcess]:
    """Start every missing web and worker process, then wait for each web's ``/healthz``.

    Processes already running are left alone. Returns the processes that run afterwards.
    """
    started: list[tuple[ServiceProcess, int]] = []
    running: list[ServiceProcess] = []
    for svc in services:
        for kind in KINDS:
            proc = ServiceProcess(svc, kind, paths)
            if not has_module(proc.module):
                out(f"warning: {proc.module} does not exist yet; not starting {proc.name}")
                continue
            pid = proc.running_pid()
            if pid is not None:
                out(f"  {proc.name:<20} already running (pid {pid})")
                running.append(proc)
                continue
            if proc.port is not None and processes.port_in_use(proc.port):
                raise processes.ProcessError(
                    f"port 127.0.0.1:{proc.port} for {proc.name} is in use by a process this stack did not start")
            child = processes.spawn_detached(proc.argv(), log_file=proc.log_file, pid_file=proc.pid_file,
                                             env=process_env(proc, stack_env), cwd=SOURCE_ROOT)
            out(f"  {proc.name:<20} started (pid {child.pid}), log {proc.log_file}")
            started.append((proc, child.pid))
            running.append(proc)
    for proc, pid in sorted(started, key=lambda item: KINDS.index(item[0].kind)):
        if proc.kind == "web":
            waited = processes.wait_http_ok(f"http://127.0.0.1:{proc.port}/healthz", pid=pid,
                                            log_file=proc.log_file, timeout=timeout, what=proc.name)
            out(f"  {proc.name:<20} healthy after {waited:.1f}s")
        else:
            time.sleep(0.5)
            if not processes.pid_alive(pid):
                raise processes.ProcessError(f"{proc.name} (pid {pid}) exited right after start; last lines of "
                                             f"{proc.log_file}:\n{processes.log_tail(proc.log_file)}")
    return running


def stop_services(paths: StackPaths, *, out: Printer = print) -> int:
    """Stop every worker, then every web process of this state folder (each group in parallel).

    Returns how many were stopped.
    """
    from eventkit.settings import SERVICES

    stopped = 0
    for kind in ("worker", "web"):
        procs = [ServiceProcess(svc, kind, paths) for svc in SERVICES]
        with ThreadPoolExecutor(max_workers=len(procs), thread_name_prefix=f"stop-{kind}") as pool:
            pids = list(pool.map(
                lambda proc: processes.stop_pid_file(proc.pid_file, marker=proc.marker, timeout=20), procs))
        for proc, pid in zip(procs, pids, strict=True):
            if pid is not None:
                out(f"  {proc.name:<20} stopped (pid {pid})")
                stopped += 1
    return stopped


def services_status(paths: StackPaths, *, out: Printer = print) -> bool:
    """One line per expected process (pid, liveness, /healthz, /readyz). True when all are up and ready."""
    ok = True
    for svc in available_services(out=None):
        for kind in KINDS:
            proc = ServiceProcess(svc, kind, paths)
            if not has_module(proc.module):
                continue
            pid = proc.running_pid()
            line = f"  {proc.name:<20} {('pid ' + str(pid)) if pid else 'NOT RUNNING':<12}"
            if pid is None:
                ok = False
            if proc.port is not None:
                base = f"http://127.0.0.1:{proc.port}"
                health = processes.http_status(f"{base}/healthz")
                ready = processes.http_status(f"{base}/readyz")
                line += f" {base}  healthz {health or '-'}  readyz {ready or '-'}"
                ok = ok and health == 200 and ready == 200
            out(line + f"  log {proc.log_file}")
    return ok
