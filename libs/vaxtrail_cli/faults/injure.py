"""The faults: each one done to a running private stack, healed, and timed until the stack has absorbed it.

A fault is a named function of a :class:`Target` (the stack's services and its managed PostgreSQL and Kafka)
that injures it and heals it (restarts what it killed, resumes what it stopped); :func:`inflict` runs one,
then waits until every web is ready and every relay and projection has caught up
(:func:`~vaxtrail_cli.faults.settle.wait_settled`), and returns its record: what was done, how long the
service was away, and the recovery time from the injury to settled.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from vaxtrail_cli import kafka_broker, postgres_server, processes
from vaxtrail_cli.faults.settle import total, wait_settled
from vaxtrail_cli.private_infra import Infra
from vaxtrail_cli.private_services import Stack

Say = Callable[[str], None]
ALLOWANCE = 50
"""Records behind (all relays and projections together) that still count as caught up while load runs."""


@dataclass(frozen=True)
class Target:
    infra: Infra
    stack: Stack
    say: Say = print
    zombie_seconds: float = 20.0
    """How long a worker stays stopped (SIGSTOP): past its consumer session, so the group moves on without it."""
    settle_timeout: float = 600.0


def kill(target: Target, service: str, kind: str) -> None:
    """SIGKILL one process (``web`` or ``worker``) of ``service`` and start it again."""
    target.stack[service].signal(kind, signal.SIGKILL)
    target.stack[service].restart(kind)


def kill_all(target: Target) -> None:
    """SIGKILL every web and every worker at once, then start them all again."""
    services = target.stack.services.values()
    for service in services:
        for kind in ("web", "worker"):
            service.latest[kind].send_signal(signal.SIGKILL)
    for service in services:
        for kind in ("web", "worker"):
            service.latest[kind].wait(timeout=30)
            service.restart(kind, wait_ready=False)
    for service in services:
        service.wait_ready()


def zombie(target: Target, service: str) -> None:
    """SIGSTOP a worker past its poll interval and session timeout, then SIGCONT it: it comes back as a zombie
    whose partitions were reassigned, and must not apply or publish anything twice."""
    target.stack[service].signal("worker", signal.SIGSTOP)
    time.sleep(target.zombie_seconds)
    target.stack[service].signal("worker", signal.SIGCONT)


def kafka_restart(target: Target) -> None:
    """SIGKILL the broker and start it again (same data, same ports)."""
    cfg = _managed(target.infra.broker_config, "Kafka")
    pid = processes.running_pid(cfg.pid_file, cfg.marker)
    if pid is None:
        raise RuntimeError("the broker is not running")
    processes.kill_now(pid)
    kafka_broker.start(cfg, timeout=180, out=target.say, check_ports=False)


def postgres_restart(target: Target) -> None:
    """Immediate shutdown of PostgreSQL (every connection dropped, crash recovery at start), then start it."""
    cfg = _managed(target.infra.pg_config, "PostgreSQL")
    postgres_server.crash(cfg, out=target.say)
    time.sleep(target.zombie_seconds / 4)  # down long enough for clients to be answered 503
    postgres_server.start(cfg, out=target.say)


def _managed(cfg: Any, what: str) -> Any:
    if cfg is None:
        raise RuntimeError(f"{what} is not managed by this run (external server): cannot restart it")
    return cfg


FAULTS: dict[str, Callable[..., None]] = {"kill": kill, "kill-all": kill_all, "zombie": zombie,
                                          "kafka-restart": kafka_restart, "postgres-restart": postgres_restart}


def inflict(target: Target, name: str, *args: str, loaded: bool = True) -> dict[str, Any]:
    """Do fault ``name`` (with its arguments), heal it, wait until settled; the fault's record. While the
    load generator runs (``loaded``), settled means back to the backlog before the fault (at least 50)."""
    label = " ".join((name, *args))
    before = total(target.stack, target.infra.kafka_bootstrap)
    allowance = max(before, ALLOWANCE) if loaded else 0
    target.say(f"fault: {label} (backlog before: {before})")
    started = time.monotonic()
    FAULTS[name](target, *args)
    healed = time.monotonic() - started
    peak = [before]
    settled = wait_settled(target.stack, target.infra.kafka_bootstrap, timeout=target.settle_timeout,
                           say=target.say, allowance=allowance, observe=peak.append)
    record = {"fault": label, "backlog_before": before, "allowance": allowance, "injured_and_healed_s": round(healed, 1),
              "recovery_s": round(healed + settled, 1), "settled_after_heal_s": round(settled, 1),
              "backlog_peak": max(peak)}
    target.say(f"fault: {label} absorbed in {record['recovery_s']} s")
    return record
