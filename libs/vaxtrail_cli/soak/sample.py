"""What the soak samples every few seconds: the memory of every process of a private stack, and every lag.

Processes (:func:`groups`): each service's web (the gunicorn master and its workers), each service's worker
(its relay and projection runners are threads of that one process), the Kafka broker (its JVM) and the
PostgreSQL server (the postmaster and every backend). A group's figure sums its process tree, read from
``/proc``: ``rss_mb`` (VmRSS) and ``pss_mb`` (``smaps_rollup``'s Pss: a page shared by n processes counts 1/n
- PostgreSQL's shared buffers and a gunicorn master's pages shared with its forks are counted once, which
RSS summed over a tree is not). The pids are looked up again at every sample (a restarted process is
followed).

PostgreSQL's shared buffer pool is a cache of a configured size (``shared_buffers``) whose pages count in PSS only
once they are first used: as the campaign's data grows it fills, and the server's PSS grows with it, up to
that size, without anything leaking. So each sample also holds the pool's used part (:func:`buffer_pool_mb`,
from ``pg_buffercache``) and :data:`OUTSIDE_POOL` = the server's PSS minus it, the figure the verdict bounds
(:mod:`.growth`); the server's whole PSS is still reported.

Lags (:func:`lags`): per service, the relay's backlog (events in the store after its cursor) and per
projection the records of its topics after its tracked offsets (:mod:`vaxtrail_cli.faults.settle`).

:class:`Sampler` runs both in a thread every ``interval`` seconds until stopped; each sample is
``{"t": seconds since the sampler started, "rss_mb": {...}, "pss_mb": {...}, "buffers_mb": n, "lag": {...}}``.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from vaxtrail_cli import processes
from vaxtrail_cli.catchup import topic_bounds
from vaxtrail_cli.faults.settle import behind, relay_behind, tracked_offsets
from vaxtrail_cli.private_stack import PrivateStack
from vaxtrail_cli.soak.growth import OUTSIDE_POOL

PROC = Path("/proc")


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def _tree(pid: int, children: dict[int, list[int]]) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, ()))
    return found


def _memory_kb(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in kB; (0, 0) when it is gone."""
    rss = pss = 0
    try:
        for line in (PROC / str(pid) / "status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
        for line in (PROC / str(pid) / "smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                pss = int(line.split()[1])
    except (OSError, ValueError):
        return 0, 0
    return rss, pss


def _postmaster(pgdata: Path) -> int | None:
    try:
        return int((pgdata / "postmaster.pid").read_text().splitlines()[0])
    except (OSError, ValueError, IndexError):
        return None


def groups(ps: PrivateStack) -> dict[str, int | None]:
    """Group name -> the pid at the root of its process tree (None when not running)."""
    roots: dict[str, int | None] = {}
    for name, service in ps.stack.services.items():
        for kind in ("web", "worker"):
            proc = service.latest[kind]
            roots[f"{name}-{kind}"] = proc.pid if proc.poll() is None else None
    broker, pg = ps.infra.broker_config, ps.infra.pg_config
    roots["kafka"] = processes.running_pid(broker.pid_file, broker.marker) if broker else None
    roots["postgresql"] = _postmaster(pg.pgdata) if pg else None
    return roots


def memory(ps: PrivateStack) -> tuple[dict[str, float], dict[str, float]]:
    """(RSS MB, PSS MB) per group, each summed over the group's process tree."""
    children = _children()
    rss, pss = {}, {}
    for name, root in groups(ps).items():
        if root is None:
            continue
        kb = [_memory_kb(pid) for pid in _tree(root, children)]
        rss[name] = round(sum(r for r, _ in kb) / 1024, 1)
        pss[name] = round(sum(p for _, p in kb) / 1024, 1)
    return rss, pss


def add_buffercache(server_url: str) -> None:
    """Create ``pg_buffercache`` (once, before sampling) for :func:`buffer_pool_mb`."""
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_buffercache")


def buffer_pool_mb(server_url: str) -> float:
    """MB of PostgreSQL's shared buffer pool holding a page (``pg_buffercache``: :func:`add_buffercache`)."""
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as conn:
        used = conn.execute("SELECT count(*) * current_setting('block_size')::bigint FROM pg_buffercache"
                            " WHERE relfilenode IS NOT NULL").fetchone()[0]
    return round(used / 2**20, 1)


def lags(ps: PrivateStack) -> dict[str, int]:
    """``<service>.relay`` -> events not yet published; ``<service>.<projection>`` -> records not yet applied
    (one look at the broker for every topic)."""
    out: dict[str, int] = {}
    tracked = {}
    for name, service in ps.stack.services.items():
        out[f"{name}.relay"] = relay_behind(service.database_url)
        tracked[name] = tracked_offsets(service.database_url)
    topics = tuple(sorted({t for offsets in tracked.values() for mine in offsets.values() for t, _ in mine}))
    _, end = topic_bounds(ps.infra.kafka_bootstrap, topics) if topics else ({}, {})
    for name, offsets in tracked.items():
        out.update({f"{name}.{projection}": n for projection, n in behind(offsets, end).items()})
    return out


class Sampler(threading.Thread):
    """Samples :func:`memory` and :func:`lags` every ``interval`` seconds into ``samples`` until :meth:`stop`."""

    def __init__(self, ps: PrivateStack, interval: float = 5.0) -> None:
        super().__init__(name="soak-sampler", daemon=True)
        self.ps, self.interval = ps, interval
        self.samples: list[dict[str, Any]] = []
        self.errors = 0
        self.last_error = ""
        self.started_at = time.monotonic()
        self._halt = threading.Event()

    def run(self) -> None:
        try:
            add_buffercache(self.ps.infra.server_url)
        except Exception as exc:  # noqa: BLE001 - every sample then fails its look, and is counted
            self.last_error = f"{type(exc).__name__}: {exc}"[:300]
        while not self._halt.is_set():
            began = time.monotonic()
            rss, pss = memory(self.ps)
            try:
                lag = lags(self.ps)
                buffers = buffer_pool_mb(self.ps.infra.server_url)
            except Exception as exc:  # noqa: BLE001 - a look that failed (the broker or database busy) is counted
                self.errors += 1
                self.last_error = f"{type(exc).__name__}: {exc}"[:300]
            else:
                if "postgresql" in pss:
                    pss[OUTSIDE_POOL] = round(pss["postgresql"] - buffers, 1)
                self.samples.append({"t": round(began - self.started_at, 1), "rss_mb": rss, "pss_mb": pss,
                                     "buffers_mb": buffers, "lag": lag})
            self._halt.wait(max(0.0, self.interval - (time.monotonic() - began)))

    def stop(self) -> None:
        self._halt.set()
        self.join()
