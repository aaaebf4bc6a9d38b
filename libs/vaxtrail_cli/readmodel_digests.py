"""Every read model of a stack equals a fresh rebuild: a digest per table, live and rebuilt, compared.

:func:`digests` computes, in PostgreSQL, one digest per table of each service's declared projections (the
service's ``bootstrap.WIRING``, as ``vaxtrail rebuild`` finds them): the row count and the MD5 of every row's
text, sorted (byte order), without the columns that only say when or how often a row was written
(:data:`VOLATILE_COLUMNS`). :func:`rebuild_and_compare` takes them, rebuilds every projection of every service
as ``vaxtrail rebuild`` does (:func:`eventkit.projections.rebuild`: the read model and its tracking emptied,
the running workers replay the topics from offset 0), polls until every table's digest is the one it had
(then once more after every relay and projection is caught up), and returns one line per table that still
differs after ``timeout`` - naming the service, the projection and the table.

Used by the fault suite's final checks (:mod:`vaxtrail_cli.faults.verdict`).
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Mapping
from typing import Any

import psycopg
from psycopg import sql

VOLATILE_COLUMNS = {"certificate_pending": {"mark", "marked_at"}, "audit_events": {"received_at"},
                    "audit_findings": {"found_at", "reported_at"}, "audit_trees": {"updated_at"}}
"""Columns whose values depend on when or how often a row was written, not on what it says: a sequence
number and the times of writing (a batch marks each person once, handlers once per event; a rebuild writes
every row again), and when the audit's reporter raised a finding (a worker's mark, not the projection's)."""

Digests = dict[str, tuple[int, str]]
"""``service.projection.table`` -> (rows, MD5 of the sorted rows' text)."""


def projections_of(service: str, env: Mapping[str, str]) -> list:
    """The service's declared projections, consuming the topics its settings name (``retarget``)."""
    from eventkit.service import retarget
    from eventkit.settings import Settings

    settings = Settings.from_env(service, env)
    wiring = importlib.import_module(f"services.{service}.bootstrap").WIRING
    return [retarget(p, settings) for p in wiring.projections(settings, wiring.codec())]


def _row_text(conn: psycopg.Connection, table: str) -> sql.Composable:
    """``ROW(col, ...)::text`` of the table's columns without :data:`VOLATILE_COLUMNS`."""
    columns = [name for (name,) in conn.execute(
        "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped"
        " ORDER BY attnum", (table,)) if name not in VOLATILE_COLUMNS.get(table, ())]
    return sql.SQL("ROW({})::text").format(sql.SQL(", ").join(sql.Identifier(c) for c in columns))


def table_digest(conn: psycopg.Connection, table: str) -> tuple[int, str]:
    """(rows, MD5 of every row's text without :data:`VOLATILE_COLUMNS`, in byte order) of ``table``."""
    count, digest = conn.execute(sql.SQL(
        "SELECT count(*), md5(coalesce(string_agg(r, E'\\n' ORDER BY r COLLATE \"C\"), ''))"
        " FROM (SELECT {} AS r FROM {}) AS t").format(_row_text(conn, table), sql.Identifier(table))).fetchone()
    return count, digest


def table_rows(conn: psycopg.Connection, table: str) -> set[str]:
    """Every row's text (as :func:`table_digest` digests it), to name the rows of a difference."""
    return {r for (r,) in conn.execute(sql.SQL("SELECT {} FROM {}").format(_row_text(conn, table),
                                                                           sql.Identifier(table)))}


def _each_table(services: Mapping[str, Any], read: Callable[[psycopg.Connection, str], Any],
                keys: set[str] | None = None) -> dict[str, Any]:
    """``read(conn, table)`` of every declared table of every service (or of ``keys`` only), keyed
    ``service.projection.table``."""
    out: dict[str, Any] = {}
    for name, service in services.items():
        with psycopg.connect(service.database_url, autocommit=True) as conn:
            for projection in projections_of(name, service.env):
                for table in projection.tables:
                    key = f"{name}.{projection.name}.{table}"
                    if keys is None or key in keys:
                        out[key] = read(conn, table)
    return out


def rows(services: Mapping[str, Any], keys: set[str] | None = None) -> dict[str, set[str]]:
    """The rows of every declared table (or of ``keys`` only), keyed as :data:`Digests` is."""
    return _each_table(services, table_rows, keys)


def digests(services: Mapping[str, Any]) -> Digests:
    """Every declared table of every service (``name`` -> an object with ``database_url`` and ``env``)."""
    return _each_table(services, table_digest)


def differences(before: Digests, after: Digests, live_rows: Mapping[str, set[str]] | None = None,
                rebuilt_rows: Mapping[str, set[str]] | None = None, *, shown: int = 3) -> list[str]:
    """One line per table whose digest changed (or that appeared or vanished); given both tables' rows, the
    line names up to ``shown`` rows found only live and only rebuilt."""
    lines = []
    for key in sorted(before.keys() | after.keys()):
        was, now = before.get(key), after.get(key)
        if was != now:
            line = f"{key}: live {_show(was)}, rebuilt {_show(now)}"
            if live_rows is not None and rebuilt_rows is not None and key in live_rows and key in rebuilt_rows:
                only_live = sorted(live_rows[key] - rebuilt_rows[key])
                only_rebuilt = sorted(rebuilt_rows[key] - live_rows[key])
                line += (f"; only live ({len(only_live)}): {only_live[:shown]}"
                         f"; only rebuilt ({len(only_rebuilt)}): {only_rebuilt[:shown]}")
            lines.append(line)
    return lines


def _show(digest: tuple[int, str] | None) -> str:
    return "absent" if digest is None else f"{digest[0]:,} rows md5 {digest[1][:12]}"


def rebuild_all(services: Mapping[str, Any]) -> int:
    """``vaxtrail rebuild`` of every declared projection of every service; returns how many."""
    from eventkit.db import make_pool
    from eventkit.projections import rebuild

    count = 0
    for name, service in services.items():
        pool = make_pool(service.database_url, max_size=1, name=f"digest-rebuild-{name}")
        try:
            for projection in projections_of(name, service.env):
                rebuild(pool, projection)
                count += 1
        finally:
            pool.close()
    return count


def rebuild_and_compare(services: Mapping[str, Any], settled: Callable[[], object], *, timeout: float = 300.0,
                        interval: float = 1.0) -> dict[str, Any]:
    """Digest every table, rebuild everything, wait for the same digests (see the module docstring).

    Call it on a settled stack (every relay and projection caught up); ``settled()`` waits for that again
    after the rebuild (the caller's wait). Returns
    ``{"tables", "projections", "rows", "seconds", "digests", "differences", "appended_meanwhile"}`` (per service,
    the events its store gained during the check: a worker that reacted to the rebuild)."""
    started = time.monotonic()
    heads = _heads(services)
    before = digests(services)
    live = rows(services)  # only to name the rows of a difference
    projections = rebuild_all(services)
    deadline = time.monotonic() + timeout
    while True:
        after = digests(services)
        if after == before:
            settled()  # every projection has its tracking back and is at its topics' ends: look once more
            after = digests(services)
        found = differences(before, after)
        if not found:
            break
        if time.monotonic() > deadline:
            found = differences(before, after, live, rows(services, set(live) & {k for k in before
                                                                                 if before[k] != after.get(k)}))
            break
        time.sleep(interval)  # a read model still being rebuilt (a passing run leaves at the first equal look)
    return {"tables": len(before), "projections": projections, "rows": sum(n for n, _ in before.values()),
            "seconds": round(time.monotonic() - started, 1), "digests": {k: list(v) for k, v in before.items()},
            "differences": found,
            "appended_meanwhile": {n: h - heads[n] for n, h in _heads(services).items() if h != heads[n]}}


def _heads(services: Mapping[str, Any]) -> dict[str, int]:
    """Each service's store's latest position (events appended during the check explain a difference)."""
    heads = {}
    for name, service in services.items():
        with psycopg.connect(service.database_url, autocommit=True) as conn:
            heads[name] = conn.execute("SELECT coalesce(max(position), 0) FROM events").fetchone()[0]
    return heads
