"""Which failures the projection runner retries and which it dead-letters (no servers)."""

from __future__ import annotations

import psycopg
import pytest
from psycopg import errors
from psycopg_pool import PoolTimeout

from eventkit.projections.failures import is_transient

RETRIED = {
    "a lost connection": psycopg.OperationalError("server closed the connection unexpectedly"),
    "a closed connection": psycopg.InterfaceError("the connection is closed"),
    "no connection from the pool": PoolTimeout("couldn't get a connection after 30.00 sec"),
    "a statement timeout": errors.QueryCanceled("canceling statement due to statement timeout"),
    "a lock timeout": errors.LockNotAvailable("canceling statement due to lock timeout"),
    "a serialization failure": errors.SerializationFailure("could not serialize access"),
    "a deadlock": errors.DeadlockDetected("deadlock detected"),
    "an admin shutdown": errors.AdminShutdown("terminating connection due to administrator command"),
}
DEAD_LETTERED = {
    "a bug in the handler": ValueError("cannot apply"),
    "a missing key in the payload": KeyError("lot_id"),
    "a constraint the record breaks": errors.UniqueViolation("duplicate key"),
    "a value the column refuses": errors.InvalidTextRepresentation("invalid input syntax for type uuid"),
    "an index row too large for the record's value": errors.ProgramLimitExceeded("index row size exceeds"),
}


@pytest.mark.parametrize("error", RETRIED.values(), ids=RETRIED.keys())
def test_transient_database_errors_are_retried(error):
    assert is_transient(error)


@pytest.mark.parametrize("error", DEAD_LETTERED.values(), ids=DEAD_LETTERED.keys())
def test_errors_the_record_causes_are_dead_lettered(error):
    assert not is_transient(error)


def test_a_handler_that_wraps_a_transient_error_is_still_retried():
    try:
        try:
            raise errors.QueryCanceled("canceling statement due to statement timeout")
        except errors.QueryCanceled as exc:
            raise RuntimeError("could not load the site") from exc
    except RuntimeError as wrapped:
        assert is_transient(wrapped)
