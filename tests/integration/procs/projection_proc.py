"""Runs a counting projection until killed (used by test_projections.py).

The read model ``tally`` adds every event's payload (an integer) to its aggregate's row and counts the
events; an event applied twice or lost shows in both columns.
"""

from __future__ import annotations

import sys
import threading

from eventkit import db
from eventkit.kafka import make_consumer, make_producer
from eventkit.projections import Projection, ProjectionRunner

TICK = "vaxtrail.test.v1.Tick"
NOISE = "vaxtrail.test.v1.Noise"


def apply_tick(conn, event, payload: bytes) -> None:
    if payload == b"poison":
        raise ValueError("this tick cannot be applied")
    conn.execute(
        "INSERT INTO tally (aggregate_id, total, events) VALUES (%s, %s, 1)"
        " ON CONFLICT (aggregate_id) DO UPDATE SET total = tally.total + excluded.total,"
        " events = tally.events + 1",
        (event.aggregate_id, int(payload)),
    )


def tally_projection(topic: str) -> Projection:
    return Projection(name="tally", topics=(topic,), handlers={TICK: apply_tick}, ignored=frozenset({NOISE}),
                      tables=("tally",))


def make_runner(database_url: str, bootstrap: str, topic: str, dlq_topic: str, pool=None) -> ProjectionRunner:
    pool = pool or db.make_pool(database_url, max_size=2)
    return ProjectionRunner(
        tally_projection(topic),
        pool,
        lambda group: make_consumer(bootstrap, group_id=group + "." + topic, client_id="test-projection",
                                    max_poll_records=37, instance_id="tally-worker"),
        lambda: make_producer(bootstrap, client_id="test-dlq"),
        service="test",
        dlq_topic=dlq_topic,
        batch_size=37,
    )


def main(database_url: str, bootstrap: str, topic: str, dlq_topic: str) -> None:
    make_runner(database_url, bootstrap, topic, dlq_topic).run(threading.Event())


if __name__ == "__main__":
    main(*sys.argv[1:5])
