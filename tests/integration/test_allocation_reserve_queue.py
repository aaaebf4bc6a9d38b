"""The second-dose reserve queue against the real PostgreSQL (no broker needed): a dose that the ``doses_given``
projection commits while the reserve worker holds its site's row - the worker has read the counts and is
recomputing - must leave the row queued again, so a later recompute counts it.

Before: the projection queued with ``ON CONFLICT DO NOTHING``, which does not wait for a row another transaction
has locked; the worker then deleted the row, and the dose was never counted (CI saw a reserve stuck below the
first doses given: ``test_second_dose_reserves_follow_the_doses_given_without_a_request``).
"""

from __future__ import annotations

import threading
import uuid
from types import SimpleNamespace

import psycopg
from psycopg_pool import ConnectionPool

from eventkit import db
from eventkit.work_queue import QueueWorker
from services.allocation import bootstrap
from services.allocation.projections import doses
from tests.integration.kafka_helpers import wait_for
from vaxtrail.immunization.v1 import events_pb2 as immunization

SITE, PRODUCT = "S-96-964-01", "AZ-10"


def give(database: str) -> None:
    """What projection ``doses_given`` does for one first dose, in a batch transaction of its own."""
    dose = str(uuid.uuid4())
    with psycopg.connect(database) as conn:
        doses.administered(conn, SimpleNamespace(event_id=str(uuid.uuid4())), immunization.DoseAdministered(
            dose_id=dose, person_id=str(uuid.uuid4()), site_id=SITE, presentation_id=PRODUCT, series="PRIMARY",
            dose_number=1))


def queued(database: str) -> list[tuple[str, str]]:
    with psycopg.connect(database) as conn:
        return conn.execute("SELECT site_id, presentation_id FROM reserve_pending").fetchall()


def test_a_dose_given_while_the_worker_recomputes_queues_the_site_again(database):
    db.migrate(database, bootstrap.MIGRATIONS)
    give(database)
    assert queued(database) == [(SITE, PRODUCT)]
    arrivals: list[threading.Thread] = []

    def waiting_on_a_lock() -> bool:
        with psycopg.connect(database) as conn:
            return conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                                " AND wait_event_type = 'Lock'").fetchone()[0] > 0

    class Recompute(QueueWorker):
        table, columns, keys = "reserve_pending", ("site_id", "presentation_id"), 2

        def consume(self, site_id: str, presentation_id: str) -> None:
            # The counts are read; now a dose arrives. Either the projection waits for this transaction (the
            # fix) or it commits at once, its queue entry swallowed by the row being done (the defect).
            arrival = threading.Thread(target=give, args=(database,))
            arrivals.append(arrival)
            arrival.start()
            wait_for(lambda: not arrival.is_alive() or waiting_on_a_lock(), what="the dose's projection to act")

    with ConnectionPool(database, min_size=1, max_size=2, open=True) as pool:
        assert Recompute(pool=pool, bus=None).drain_once() == 1
    arrivals[0].join(timeout=60)
    assert not arrivals[0].is_alive()
    with psycopg.connect(database) as conn:
        assert conn.execute("SELECT count(*) FROM doses_given").fetchone()[0] == 2
    assert queued(database) == [(SITE, PRODUCT)], "the dose given during the recompute must queue it again"
