"""``GET /v1/ops/health``: how far behind this service's outbox and read models are, for the response
centre (national_admin, national scope).

- **relay**: events in the event store the relay has not yet published (``position`` above its
  ``relay_cursor``), and the position of the newest event;
- **projections**: per projection that has consumed anything (a ``projection_tracking`` row), the records
  between its tracked offsets and the end of each partition of its topics, and the events it passed
  without applying (dead-lettered, ``projection_unapplied``);
- **dead_letters**: records on the service's dead-letter topic (kept 30 days), and the unapplied total.

The database figures are exact. The topic ends are read from Kafka by one metadata-only consumer per
process (no group), at most once every :data:`KAFKA_REFRESH_SECONDS`; when the broker does not answer, the
answer still comes, with ``lag_records`` null and ``kafka_error`` set - a web process must not fail because
Kafka is down (requests never need it).
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from datetime import UTC, datetime

from flask import Blueprint, jsonify
from pydantic import BaseModel, Field

from eventkit.auth import current_principal, requires
from eventkit.kafka import make_consumer
from eventkit.web.openapi import documented

KAFKA_REFRESH_SECONDS = 2.0


class RelayHealth(BaseModel):
    published_position: int = Field(description="the relay's cursor: events up to here are on Kafka")
    head_position: int = Field(description="the newest event's position")
    backlog_events: int = Field(description="events not yet published")


class ProjectionHealth(BaseModel):
    projection: str
    topics: list[str]
    lag_records: int | None = Field(description="records between the tracked offsets and the partitions' ends")
    unapplied_events: int = Field(description="events dead-lettered and not applied since")


class DeadLetters(BaseModel):
    topic: str
    records: int | None = Field(description="records on the dead-letter topic (kept 30 days)")
    unapplied_events: int


class OpsHealth(BaseModel):
    service: str
    checked_at: str
    relay: RelayHealth
    projections: list[ProjectionHealth]
    dead_letters: DeadLetters
    kafka_error: str | None = Field(description="why the topic ends could not be read (null when they were)")


class TopicEnds:
    """End offsets of topic partitions, from one consumer without a group, refreshed at most every
    :data:`KAFKA_REFRESH_SECONDS` (the dashboard polls every few seconds from every open browser)."""

    def __init__(self, bootstrap: str, security: dict, service: str) -> None:
        self._bootstrap, self._security, self._service = bootstrap, security, service
        self._consumer = None
        self._lock = threading.Lock()
        self._cached: dict[frozenset, tuple[float, dict]] = {}

    def ends(self, topics: set[str]) -> dict[tuple[str, int], int]:
        from kafka import TopicPartition

        key = frozenset(topics)
        with self._lock:
            cached = self._cached.get(key)
            if cached and time.monotonic() - cached[0] < KAFKA_REFRESH_SECONDS:
                return cached[1]
            if self._consumer is None:
                self._consumer = make_consumer(self._bootstrap, group_id=None, client_id=f"{self._service}-ops",
                                               **self._security)
            try:
                partitions = [TopicPartition(topic, p) for topic in sorted(topics)
                              for p in sorted(self._consumer.partitions_for_topic(topic) or ())]
                ends = {(tp.topic, tp.partition): o for tp, o in
                        self._consumer.end_offsets(partitions).items()} if partitions else {}
            except Exception:
                self._consumer.close()
                self._consumer = None
                raise
            self._cached[key] = (time.monotonic(), ends)
            return ends


def _database_figures(pool) -> tuple[dict, list[tuple], dict[str, int]]:
    with pool.connection() as conn:
        cursor, head, backlog = conn.execute(
            "WITH c AS (SELECT coalesce(max(position), 0) AS p FROM relay_cursor)"
            " SELECT c.p, coalesce((SELECT max(position) FROM events), 0),"
            " (SELECT count(*) FROM events e WHERE e.position > c.p) FROM c").fetchone()
        tracked = conn.execute('SELECT projection, topic, partition, "offset" FROM projection_tracking'
                               " ORDER BY 1, 2, 3").fetchall()
        unapplied = dict(conn.execute("SELECT projection, count(*) FROM projection_unapplied GROUP BY 1").fetchall())
    return {"published_position": cursor, "head_position": head, "backlog_events": backlog}, tracked, unapplied


def health_report(service: str, pool, dlq_topic: str, topic_ends: TopicEnds) -> dict:
    relay, tracked, unapplied = _database_figures(pool)
    by_projection: dict[str, dict[tuple[str, int], int]] = defaultdict(dict)
    for projection, topic, partition, offset in tracked:
        by_projection[projection][(topic, partition)] = offset
    kafka_error, ends = None, {}
    try:
        ends = topic_ends.ends({t for offsets in by_projection.values() for t, _ in offsets} | {dlq_topic})
    except Exception as exc:  # noqa: BLE001 - reported in the answer: the figures from the database still stand
        kafka_error = f"{type(exc).__name__}: {exc}"[:300]
    projections = []
    for name, offsets in sorted(by_projection.items()):
        topics = {t for t, _ in offsets}
        lag = None if kafka_error else sum(max(0, end - (offsets[key] + 1 if key in offsets else 0))
                                           for key, end in ends.items() if key[0] in topics)
        projections.append({"projection": name, "topics": sorted(topics), "lag_records": lag,
                            "unapplied_events": unapplied.get(name, 0)})
    dlq = None if kafka_error else sum(end for (topic, _), end in ends.items() if topic == dlq_topic)
    return {"service": service, "checked_at": datetime.now(UTC).isoformat(), "relay": relay,
            "projections": projections, "kafka_error": kafka_error,
            "dead_letters": {"topic": dlq_topic, "records": dlq, "unapplied_events": sum(unapplied.values())}}


def ops_blueprint(settings, pool) -> Blueprint:
    bp = Blueprint("ops", __name__, url_prefix="/v1")
    topic_ends = TopicEnds(settings.kafka_bootstrap, settings.kafka_security, settings.service)

    @bp.get("/ops/health")
    @requires("national_admin")
    @documented("This service's relay backlog, projection lag and dead letters (national administrators)",
                tags=["meta"], responses={200: OpsHealth}, errors=[403],
                description="relay.backlog_events: events not yet published to Kafka; per projection "
                            "lag_records: records between its tracked offsets and the partitions' ends, "
                            "unapplied_events: events it dead-lettered and has not applied since; dead_letters."
                            "records: records on the dead-letter topic (30 days). lag_records and records are "
                            "null with kafka_error when the broker does not answer.")
    def ops_health():
        current_principal().require_scope(["national"])
        return jsonify(health_report(settings.service, pool, settings.dlq_topic, topic_ends))

    return bp
