"""The feed outbox: the derivation writes records here in its batch transaction; the feed relay publishes them.

Writing (:func:`write`): each record once (``record_id`` is unique; a record derived again - re-delivery,
restart mid-batch, rebuild - is dropped by ``ON CONFLICT DO NOTHING``), under a transaction-level advisory lock
taken before the first insert and held to commit, so positions are handed out in commit order and the relay,
which reads after its cursor, never skips a row (the event store's rule, docs/architecture.md). The
transaction ``NOTIFY``s the store's channel: the relay wakes at once.

Publishing (:class:`FeedOutbox`): the source :class:`eventkit.relay.Relay` reads instead of the event store
(``read_after`` / ``last_position``) and :meth:`FeedOutbox.route`, which sends each record to its feed's topic
with CloudEvents binary-mode headers (``ce_id`` = the record id, so a partner can drop the relay's
at-least-once duplicates). No ``ce_time``: a dose's time of day is not part of the feed. A per-partner topic is
created when the relay first meets it (``ensure``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from eventkit.envelope import CONTENT_TYPE
from eventkit.kafka_record import KafkaRecord
from eventkit.store.postgres import NOTIFY_CHANNEL
from eventkit.topics import PER_PARTNER_FEEDS, partner_feed_spec, partner_feed_topic
from services.partner.feeds.records import FeedRecord

OUTBOX_LOCK = (7_100_011, 1)
"""Advisory lock (class, key) every outbox writer holds from its first insert to its commit."""


def topic_of(record_feed: str, partner: str) -> str:
    return partner_feed_topic(record_feed, partner if record_feed in PER_PARTNER_FEEDS else None)


def write(conn, records: Iterable[FeedRecord]) -> int:
    rows = [(r.record_id, topic_of(r.feed, r.partner), r.feed, r.partner, r.key.encode(),
             r.message.DESCRIPTOR.full_name, r.message.SerializeToString(), r.source_event_id) for r in records]
    if not rows:
        return 0
    conn.execute("SELECT pg_advisory_xact_lock(%s, %s)", OUTBOX_LOCK)
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO feed_outbox (record_id, topic, feed, partner, record_key, record_type, value, source_event_id)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (record_id) DO NOTHING", rows)
    conn.execute(f"NOTIFY {NOTIFY_CHANNEL}")
    return len(rows)


@dataclass(frozen=True)
class OutboxRow:
    position: int
    record_id: str
    topic: str
    feed: str
    record_key: bytes
    record_type: str
    value: bytes


class FeedOutbox:
    """What the feed relay reads: the outbox in position order; ``ensure(specs)`` creates missing topics."""

    def __init__(self, pool, ensure: Callable[[list], None], *, national: bool) -> None:
        """``national``: create a partner's topic with the national partition count (not on the local stack)."""
        self._pool = pool
        self._ensure = ensure
        self._national = national
        self._known: set[str] = set()

    def read_after(self, position: int, limit: int) -> list[OutboxRow]:
        with self._pool.connection() as conn:
            found = conn.execute(
                "SELECT position, record_id::text, topic, feed, record_key, record_type, value FROM feed_outbox"
                " WHERE position > %s ORDER BY position LIMIT %s", (position, limit)).fetchall()
        rows = [OutboxRow(*row) for row in found]
        missing = {(r.topic, r.feed) for r in rows if r.feed in PER_PARTNER_FEEDS and r.topic not in self._known}
        if missing:  # before the batch is sent: a partner's topic exists from its first record on
            self._ensure([partner_feed_spec(topic, feed, national=self._national) for topic, feed in sorted(missing)])
            self._known.update(topic for topic, _ in missing)
        return rows

    def last_position(self) -> int:
        with self._pool.connection() as conn:
            return conn.execute("SELECT coalesce(max(position), 0) FROM feed_outbox").fetchone()[0]

    @staticmethod
    def route(row: OutboxRow) -> tuple[str, KafkaRecord]:
        headers = [("ce_specversion", b"1.0"), ("ce_id", row.record_id.encode()),
                   ("ce_type", row.record_type.encode()), ("ce_source", b"/vaxtrail/partner"),
                   ("content-type", CONTENT_TYPE.encode()), ("vaxtrail_feed", row.feed.encode())]
        return row.topic, KafkaRecord(key=bytes(row.record_key), value=bytes(row.value), headers=headers)
