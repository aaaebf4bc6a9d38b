"""Which failures are the record's fault (dead-letter it) and which are the world's (retry the batch).

Only a record that *itself* cannot be taken goes to the dead-letter topic: it does not decode, its type is
neither handled nor ignored, or its handler raised something that is not a transient database error.
Everything else is retried, never dead-lettered - a record must not be lost to the DLQ because the
database was restarting, a statement or lock timed out, or two transactions deadlocked:

* connection-level failures: ``psycopg.OperationalError`` (lost connection, admin shutdown, too many
  connections, disk full ...), ``psycopg.InterfaceError`` (a closed connection) and
  ``psycopg_pool.PoolTimeout``;
* and among them, explicitly, statement timeouts and cancellations (``QueryCanceled``), lock timeouts
  (``LockNotAvailable``), ``SerializationFailure`` and ``DeadlockDetected``.

One exception: SQLSTATE class 54 (``ProgramLimitExceeded``, e.g. an index row too large for a huge value
in the event) is an ``OperationalError`` that the *record* causes, every time; retrying it would block the
partition forever, so it is dead-lettered.

A handler that wraps a transient error (``raise DomainProblem(...) from exc``) is still transient: the
whole ``__cause__`` / ``__context__`` chain is examined.
"""

from __future__ import annotations

import psycopg
from psycopg import errors
from psycopg_pool import PoolTimeout

TRANSIENT: tuple[type[BaseException], ...] = (
    psycopg.OperationalError,  # includes QueryCanceled, LockNotAvailable, SerializationFailure, DeadlockDetected
    psycopg.InterfaceError,
    PoolTimeout,
)
CAUSED_BY_THE_RECORD: tuple[type[BaseException], ...] = (errors.ProgramLimitExceeded,)


def is_transient(exc: BaseException) -> bool:
    """True if ``exc`` (or anything in its cause chain) is a failure worth retrying the batch for."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, TRANSIENT) and not isinstance(current, CAUSED_BY_THE_RECORD):
            return True
        current = current.__cause__ or current.__context__
    return False
