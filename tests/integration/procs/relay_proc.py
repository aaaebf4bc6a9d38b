"""Runs a relay from a test database to a test topic until killed (used by test_relay.py)."""

from __future__ import annotations

import sys
import threading

from eventkit import db
from eventkit.kafka import make_producer
from eventkit.relay import Relay
from eventkit.store.postgres import PostgresEventStore


def main(database_url: str, bootstrap: str, topic: str) -> None:
    pool = db.make_pool(database_url, max_size=2)
    store = PostgresEventStore(pool, service="test")
    relay = Relay(store, pool, lambda: make_producer(bootstrap, client_id="test-relay"), topic=topic,
                  service="test", batch_size=50)
    relay.run(threading.Event(), idle_seconds=0.2)


if __name__ == "__main__":
    main(*sys.argv[1:4])
