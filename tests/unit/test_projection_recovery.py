"""The projection loop survives a database that is still away while it recovers from a failed batch (no
servers).

Found by the fault suite (``make faults``, PostgreSQL shut down immediately under load): a batch failed on the
lost connection, and recovering - seeking back to the offsets the database tracked - read the database again,
which was still down; the exception ended the projection's thread, the worker stopped its other components
and exited. Now the recovery that fails drops the consumer, and the next poll starts over from the tracked
offsets once the database is back.
"""

from __future__ import annotations

import threading
from types import SimpleNamespace

import psycopg

from eventkit.projections.overlap import run_overlapped

IGNORED = "vaxtrail.test.v1.Ignored"


class Consumer:
    def assignment(self) -> set:
        return {("t", 0)}


class DatabaseAwayThenBack:
    """A runner whose first batch fails on a lost connection, whose recovery finds the database still away,
    and whose next batch (from a fresh consumer) commits."""

    projection = SimpleNamespace(name="p", ignored=frozenset({IGNORED}), handlers={})
    _service, _max_backoff = "test", 0.01

    def __init__(self, stop: threading.Event) -> None:
        self.stop, self._consumer = stop, Consumer()
        self.commits, self.resets, self.consumers = 0, 0, 1

    def _poll_records(self, timeout_ms: int) -> list:
        if self._consumer is None:  # what start() does: subscribe again, seek to the tracked offsets
            self._consumer, self.consumers = Consumer(), self.consumers + 1
        return [SimpleNamespace(topic="t", partition=0, offset=self.commits, key=b"k", value=b"",
                                headers=[("ce_type", IGNORED.encode())])]

    def _commit_batch(self, records, sorted_) -> object:
        self.commits += 1
        if self.commits == 1:
            raise psycopg.OperationalError("server closed the connection unexpectedly")
        self.stop.set()
        return None

    def _seek_to_tracked(self, assignment) -> None:
        raise psycopg.OperationalError("connection to server failed: Connection refused")

    def _reset_consumer(self) -> None:
        self.resets += 1
        self._consumer = None

    def _count(self, outcome) -> None:
        pass

    def _check_generation(self) -> bool:
        return False

    def close(self) -> None:
        pass


def test_a_database_still_away_during_recovery_does_not_end_the_projection():
    stop = threading.Event()
    runner = DatabaseAwayThenBack(stop)
    loop = threading.Thread(target=run_overlapped, args=(runner, stop), daemon=True)
    loop.start()
    loop.join(timeout=30)
    assert not loop.is_alive() and stop.is_set(), "the loop went on to a batch that committed"
    assert runner.commits >= 2 and runner.resets >= 1 and runner.consumers >= 2
