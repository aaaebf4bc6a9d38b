"""The loop every service's queue worker shares: drain a queue table that a projection fills, one command per row.

A projection may change only its own read model, so a projection over another service's topic that must
*decide* something records the work in a queue table, in its batch transaction with its tracking row. A
:class:`QueueWorker` drains that table: ``batch`` rows per transaction (``FOR UPDATE SKIP LOCKED``: two workers
never take the same row), each row handed to :meth:`QueueWorker.consume` - which runs commands through the bus
that a second run cannot double (an idempotency key derived from the source event, or a decision that converges
on the read models), so a crash between the append and the delete, or a rebuild that queues the same work again,
appends nothing more - and then deleted. A row that fails stays,
counted in ``attempts``, behind the fresh ones, and is tried again; a database error retries the whole batch.

The queue table has the row's key columns first, then ``seq`` (bigserial) and ``attempts`` (integer), and is not
emptied by a rebuild: it is work whose completion the event store records, not a view of the topic.
"""

from __future__ import annotations

import logging
import threading
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, ClassVar

import psycopg
from psycopg import sql

from eventkit.handling import CommandBus

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class QueueWorker(ABC):
    """Drains :attr:`table` through the command bus: ``batch`` rows per transaction, ``idle`` seconds between looks
    while the queue is empty. Subclasses name the table, its :attr:`columns` (the first :attr:`keys` of them
    identify a row) and implement :meth:`consume`."""

    pool: Any
    bus: CommandBus
    batch: int = 50
    idle: float = 0.2

    table: ClassVar[str]
    columns: ClassVar[tuple[str, ...]]
    keys: ClassVar[int] = 1

    def run(self, stop: threading.Event) -> None:
        """Drain until ``stop``, looking again every ``idle`` seconds while the queue is empty."""
        while not stop.is_set():
            try:
                done = self.drain_once() if self.ready() else 0
            except Exception:  # noqa: BLE001 - e.g. the database is away: the rows stay, try again
                log.exception("%s worker: drain failed; retrying", self.table)
                done = 0
            if not done:
                stop.wait(self.idle)

    def drain_once(self) -> int:
        """Do one batch of queued rows; returns how many were done."""
        done = 0
        with self.pool.connection() as conn, conn.transaction():
            rows = conn.execute(sql.SQL("SELECT {} FROM {} ORDER BY attempts, seq LIMIT %s FOR UPDATE SKIP LOCKED")
                                .format(sql.SQL(", ").join(map(sql.Identifier, self.columns)),
                                        sql.Identifier(self.table)), (self.batch,)).fetchall()
            for row in rows:
                try:
                    self.consume(*row)
                except psycopg.OperationalError:
                    raise  # the database, not the row: the whole batch is tried again
                except Exception:  # noqa: BLE001 - never dropped: the row stays and is tried again later
                    log.exception("%s worker: %s failed; it stays queued", self.table, row[:self.keys])
                    conn.execute(sql.SQL("UPDATE {} SET attempts = attempts + 1 WHERE {}").format(
                        sql.Identifier(self.table), self._where()), row[:self.keys])
                    continue
                self.mark_done(conn, *row[:self.keys])
                done += 1
        return done

    def ready(self) -> bool:
        """Whether to take rows now (a worker deciding on a read model waits while it replays a rebuild:
        :class:`eventkit.projections.gate.RebuildGate`)."""
        return True

    @abstractmethod
    def consume(self, *row) -> None:
        """Run the row's commands through the bus; running a row twice must append nothing more."""

    def mark_done(self, conn, *key) -> None:
        conn.execute(sql.SQL("DELETE FROM {} WHERE {}").format(sql.Identifier(self.table), self._where()), key)

    def _where(self) -> sql.Composable:
        return sql.SQL(" AND ").join(sql.SQL("{} = %s").format(sql.Identifier(c)) for c in self.columns[:self.keys])
