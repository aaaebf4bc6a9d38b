"""Positions follow commit order: a reader tailing the store while writers race never skips an event."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import psycopg

from eventkit import db
from eventkit.envelope import CommandContext, EventDraft
from eventkit.store import AggregateChanges
from eventkit.store.postgres import PostgresEventStore

WRITERS = 4
APPENDS_PER_WRITER = 150


def test_a_tailing_reader_never_skips_an_event_committed_late(database):
    pool = db.make_pool(database, min_size=WRITERS + 1, max_size=WRITERS + 2)
    store = PostgresEventStore(pool)
    done = threading.Event()
    seen: list[int] = []
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(APPENDS_PER_WRITER):
                draft = EventDraft("vaxtrail.test.v1.Tick", f"{n}:{i}".encode(), datetime.now(UTC))
                store.append(
                    [AggregateChanges("ticker", f"writer-{n}", 2 * i, [draft, draft])],
                    CommandContext(actor_id=f"writer-{n}", actor_role="test"),
                    producer="test",
                )
        except BaseException as exc:  # noqa: BLE001 - surfaced by the assertion below
            errors.append(exc)

    def reader() -> None:
        cursor = 0
        while True:
            finished = done.is_set()  # read the flag first: after it, one more pass sees everything
            for event in store.read_after(cursor, limit=1000):
                seen.append(event.position)
                cursor = event.position
            if finished:
                return

    tail = threading.Thread(target=reader)
    tail.start()
    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    done.set()
    tail.join()
    pool.close()

    assert not errors
    with psycopg.connect(database) as conn:
        committed = [p for (p,) in conn.execute("SELECT position FROM events ORDER BY position")]
    assert len(committed) == WRITERS * APPENDS_PER_WRITER * 2
    assert seen == committed, "the tailing reader skipped or reordered events"
