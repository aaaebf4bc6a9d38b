"""A worker that decides on a read model waits while it replays a rebuild (:mod:`eventkit.projections.gate`).

Found by the fault suite's read-model digests: during ``vaxtrail rebuild`` of allocation's ``doses_given`` the
reserve worker recomputed a site's second-dose reserve from the doses replayed so far - ``ReservationReleased``,
then ``DosesReservedForSecondDose`` three times as the replay went on: events that said the reserve had been
given back while no dose had changed.
"""

from __future__ import annotations

import threading

from eventkit.projections.gate import RebuildGate
from services.allocation.projections import doses

TOPIC = "vaxtrail.immunization.v1"


class Db:
    """The two tables the gate reads: ``projection_generation`` and ``projection_tracking``."""

    def __init__(self) -> None:
        self.generation: int | None = None
        self.tracked: dict[int, int] = {}

    def connection(self):
        return self

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        return None

    def execute(self, query: str, params):
        rows = ([(self.generation,)] if self.generation is not None else []) if "projection_generation" in query \
            else [(TOPIC, p, o) for p, o in self.tracked.items()]
        return Rows(rows)


class Rows:
    def __init__(self, rows) -> None:
        self.rows = rows

    def fetchone(self):
        return self.rows[0] if self.rows else None

    def fetchall(self):
        return self.rows


def test_ordinary_lag_never_closes_the_gate_but_a_rebuild_does_until_the_replay_reaches_the_ends_of_then():
    db, ends = Db(), {(TOPIC, 0): 10, (TOPIC, 1): 0}
    gate = RebuildGate(db, "doses_given", (TOPIC,), lambda topics: dict(ends))
    db.tracked = {0: 9}
    assert gate()  # first look: caught up with the ends of now
    ends[(TOPIC, 0)] = 30  # new doses arrive: the projection is behind, but no rebuild happened
    assert gate()
    db.generation, db.tracked = 1, {}  # vaxtrail rebuild: generation moved, tracking emptied
    assert not gate()
    db.tracked = {0: 12}  # replaying
    assert not gate()
    db.tracked = {0: 29}  # at the ends it saw when the rebuild was noticed
    assert gate()
    ends[(TOPIC, 0)] = 50
    assert gate()


def test_a_worker_started_behind_waits_for_the_ends_of_its_start():
    db = Db()
    db.generation, db.tracked = 3, {0: 4}
    gate = RebuildGate(db, "doses_given", (TOPIC,), lambda topics: {(TOPIC, 0): 10})
    assert not gate()
    db.tracked = {0: 9}
    assert gate()


def test_the_reserve_worker_takes_no_row_while_its_gate_is_closed():
    taken = []

    class Worker(doses.ReserveWorker):
        def drain_once(self) -> int:
            taken.append(1)
            return 0

    stop = threading.Event()
    looks = []

    def closed() -> bool:
        looks.append(1)
        if len(looks) >= 5:
            stop.set()
        return False

    Worker(None, None, idle=0.0, gate=closed).run(stop)
    assert len(looks) >= 5 and taken == []
    stop.clear()
    Worker(None, None, idle=0.0, gate=lambda: stop.set() or True).run(stop)
    assert taken == [1]
