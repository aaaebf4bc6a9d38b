"""When a private stack has absorbed a fault: every web ready, every relay and every projection caught up.

:func:`backlog` measures, for every service of the stack, how far its relays are behind what they publish (the
store's events after the relay's cursor; the partner service's feed outbox too) and how far each projection's
tracked offsets are behind the ends of its topics (a web not answering ``/readyz`` counts as 1);
:func:`wait_settled` polls it until every web is ready and the
total is at most ``allowance`` on two polls in a row (a relay that publishes between two looks moves the
ends), and returns how long that took. While the load generator still runs, records always arrive: the
fault suite allows the backlog the stack had before the fault (at least 50 records), and 0 at the end.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import psycopg

from vaxtrail_cli import processes
from vaxtrail_cli.catchup import topic_bounds
from vaxtrail_cli.private_services import Stack

OUTBOXES = {"kafka": "events", "feeds": "feed_outbox"}
"""Relay name -> the table it publishes: every service's event store, and the partner service's feed outbox
(:mod:`services.partner.feeds.outbox`, a relay of its own with positions of its own)."""


def relay_behind(database_url: str) -> int:
    """Rows after each relay's cursor in the table it publishes, summed (0 when everything is published)."""
    with psycopg.connect(database_url, autocommit=True, connect_timeout=5) as conn:
        present = {row[0] for row in conn.execute("SELECT relname::text FROM pg_class WHERE relkind IN ('r', 'p')"
                                                  " AND relname = ANY(%s)", (list(OUTBOXES.values()),))}
        cursors = dict(conn.execute("SELECT name, position FROM relay_cursor").fetchall())
        behind = 0
        for name, table in OUTBOXES.items():
            if table in present:
                latest = conn.execute(f"SELECT coalesce(max(position), 0) FROM {table}").fetchone()[0]
                behind += max(0, latest - cursors.get(name, 0))
    return behind


def tracked_offsets(database_url: str) -> dict[str, dict[tuple[str, int], int]]:
    """Per projection of the service: its tracked offset per ``(topic, partition)``."""
    with psycopg.connect(database_url, autocommit=True, connect_timeout=5) as conn:
        rows = conn.execute('SELECT projection, topic, partition, "offset" FROM projection_tracking').fetchall()
    tracked: dict[str, dict[tuple[str, int], int]] = {}
    for projection, topic, partition, offset in rows:
        tracked.setdefault(projection, {})[(topic, partition)] = offset
    return tracked


def behind(tracked: dict[str, dict[tuple[str, int], int]], end: dict[tuple[str, int], int]) -> dict[str, int]:
    """Per projection: the records of its topics' partitions (``end``: their end offsets) after its offsets."""
    out = {}
    for projection, offsets in tracked.items():
        mine = {t for t, _ in offsets}
        out[projection] = sum(max(0, last - (offsets.get(key, -1) + 1)) for key, last in end.items()
                              if key[0] in mine)
    return out


def projections_behind(database_url: str, bootstrap: str) -> dict[str, int]:
    """Per projection of the service: records in its topics' partitions after its tracked offsets."""
    tracked = tracked_offsets(database_url)
    topics = tuple(sorted({topic for offsets in tracked.values() for topic, _ in offsets}))
    if not topics:
        return {}
    _, end = topic_bounds(bootstrap, topics)
    return behind(tracked, end)


def backlog(stack: Stack, bootstrap: str) -> dict[str, int]:
    """``service`` -> relay backlog + every projection's backlog; a web not ready counts as 1."""
    total = {}
    for name, service in stack.services.items():
        ready = processes.http_status(service.url("/readyz"), timeout=5) == 200
        total[name] = (0 if ready else 1) + relay_behind(service.database_url) + sum(
            projections_behind(service.database_url, bootstrap).values())
    return total


def total(stack: Stack, bootstrap: str) -> int:
    """:func:`backlog` summed (-1 when the database or the broker cannot be reached)."""
    try:
        return sum(backlog(stack, bootstrap).values())
    except (psycopg.OperationalError, OSError, TimeoutError):
        return -1


def wait_settled(stack: Stack, bootstrap: str, *, timeout: float, say: Callable[[str], None] = print,
                 interval: float = 1.0, allowance: int = 0, observe: Callable[[int], None] | None = None) -> float:
    """Seconds until every web is ready and :func:`backlog` totals at most ``allowance`` on two polls in a row;
    ``TimeoutError`` after ``timeout``. ``observe`` is given each poll's total backlog (the fault's peak)."""
    started = told = time.monotonic()
    calm, last = 0, {}
    while calm < 2:
        if time.monotonic() - told > 15:
            told = time.monotonic()
            say(f"settling for {told - started:.0f}s: {', '.join(f'{k} {v}' for k, v in last.items() if v) or '-'}")
        try:
            last = backlog(stack, bootstrap)
            if observe is not None:
                observe(sum(last.values()))
            ready = all(processes.http_status(s.url("/readyz"), timeout=5) == 200 for s in stack.services.values())
            calm = calm + 1 if ready and sum(last.values()) <= allowance else 0
        except (psycopg.OperationalError, OSError, TimeoutError) as exc:  # the server or broker is still away
            calm, last = 0, {"unreachable": str(exc)[:200]}
        if time.monotonic() - started > timeout:
            raise TimeoutError(f"not settled after {timeout:.0f}s: {last}")
        if calm < 2:
            time.sleep(interval)
    return time.monotonic() - started
