"""A whole VaxTrail system of its own for one run, in a temporary folder, removed afterwards.

``with private_stack() as stack:`` makes a folder ``$TMPDIR/vaxtrail-private-stack-*`` and starts in it

- its own PostgreSQL server and Kafka broker on free ports, with every topic (:mod:`vaxtrail_cli.private_infra`);
- every service's web (gunicorn, free port) and worker - inventory, registration, allocation, immunization,
  audit, certificate - each with its own database, consumer groups and state folder, all trusting one fresh
  development key pair (:mod:`vaxtrail_cli.private_services`);

yields a :class:`PrivateStack` (``urls``, ``private_key``: what :func:`vaxtrail_cli.campaign.load.run_load`
needs), and when the block ends - normally, on an exception, on Ctrl-C or on SIGTERM - stops every process
and deletes the folder (``keep=True`` keeps it, for the logs).

It never touches a running ``make up`` stack: it reads neither ``.vaxtrail/stack.env`` nor the stack's ports,
and no variable of the caller's environment that names a stack reaches its processes. Used by the end-to-end
benchmark (:mod:`vaxtrail_cli.bench.e2e`); the test suite uses the two modules underneath with its own fixtures.
"""

from __future__ import annotations

import contextlib
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from vaxtrail_cli.private_infra import Infra, private_infra
from vaxtrail_cli.private_services import SERVICES, Stack, start_stack, stop_stack

Printer = Callable[[str], None]


@dataclass(frozen=True)
class PrivateStack:
    root: Path
    infra: Infra
    stack: Stack

    @property
    def urls(self) -> dict[str, str]:
        return self.stack.urls

    @property
    def private_key(self) -> bytes:
        return self.stack.private_key


@contextlib.contextmanager
def private_stack(services: tuple[str, ...] = SERVICES, *, fast: bool = False, keep: bool = False,
                  prefix: str = "private", out: Printer = print) -> Iterator[PrivateStack]:
    """Start a private stack for the ``with`` block (see the module docstring).

    ``fast`` runs PostgreSQL without fsync and the broker's JVM in its quick-start mode (the test suite's
    settings); the default runs them as ``make up`` does, which is what a benchmark should measure.
    """
    root = Path(tempfile.mkdtemp(prefix="vaxtrail-private-stack-"))
    out(f"private stack: {root} (PostgreSQL, Kafka, {len(services)} services on free ports)")
    try:
        with _sigterm_as_exit(), private_infra(root, fast=fast, out=out) as infra:
            stack = start_stack(infra.server_url, infra.kafka_bootstrap, root / "services", services, prefix=prefix)
            out("private stack: " + ", ".join(f"{name} {url}" for name, url in stack.urls.items()))
            try:
                yield PrivateStack(root, infra, stack)
            except Exception:
                out(f"private stack: the run failed; the services' last log lines:\n{stack.log_tails()}")
                raise
            finally:
                stop_stack(stack)
                out("private stack: services stopped")
    finally:
        if keep:
            out(f"private stack: kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
            out(f"private stack: removed {root}")


@contextlib.contextmanager
def _sigterm_as_exit() -> Iterator[None]:
    """Within the block, SIGTERM raises ``SystemExit`` (like Ctrl-C raises ``KeyboardInterrupt``), so the
    clean-up runs; outside the main thread signals cannot be handled and nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def exit_now(signum: int, _frame) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, exit_now)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
