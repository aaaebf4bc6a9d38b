"""The partner feed through the faults: a partner granted the doses feed before the day gets every dose once.

:func:`grant` grants a fresh partner the DOSES feed through the partner service's API (as a national admin)
before the load starts, so the feed is derived while every fault happens - the derivation's batches and the
feed relay are killed, paused, cut from the broker and the database like every other worker.

:func:`check` (after the stack has settled) compares, for that partner: every ``DoseAdministered`` in
immunization's store has exactly one ``DoseGiven`` in the partner service's feed outbox (nothing lost, nothing
doubled by a re-derivation), and the partner's topic holds each of those records (by ``ce_id``, the record id a
partner drops the relay's at-least-once copies by) and nothing else.
"""

from __future__ import annotations

import uuid
from typing import Any

import psycopg

from eventkit.topics import partner_feed_topic
from vaxtrail_cli.catchup import topic_bounds
from vaxtrail_cli.http import http_json

DOSE_ADMINISTERED = "vaxtrail.immunization.v1.DoseAdministered"
DOSE_GIVEN = "vaxtrail.partner.v1.DoseGiven"


def grant(stack) -> str:
    """A new partner granted DOSES; its name."""
    name = f"faults-{uuid.uuid4().hex[:8]}"
    status, body = http_json("POST", stack["partner"].url("/v1/partners"),
                             {"partner": name, "feeds": ["DOSES"], "reason": "fault suite"},
                             stack.headers("national_admin", "national"), timeout=60)
    if status != 201:
        raise RuntimeError(f"POST /v1/partners answered {status}: {body}")
    return name


def _topic_ids(bootstrap: str, topic: str) -> list[str]:
    """The ``ce_id`` header of every record of ``topic``, from its first offset to its end."""
    from kafka import TopicPartition

    from eventkit.kafka import make_consumer

    first, end = topic_bounds(bootstrap, (topic,))
    consumer = make_consumer(bootstrap, group_id=None, client_id="faults-partner-check")
    try:
        partitions = [TopicPartition(t, p) for t, p in end]
        consumer.assign(partitions)
        for tp in partitions:
            consumer.seek(tp, first[(tp.topic, tp.partition)])
        ids, left = [], {tp for tp in partitions if end[(tp.topic, tp.partition)] > first[(tp.topic, tp.partition)]}
        while left:
            for tp, records in consumer.poll(timeout_ms=1000).items():
                ids += [dict(r.headers)["ce_id"].decode() for r in records]
                if consumer.position(tp) >= end[(tp.topic, tp.partition)]:
                    left.discard(tp)
        return ids
    finally:
        consumer.close()


def check(stack, bootstrap: str, partner: str) -> dict[str, Any]:
    """The figures and ``problems`` of the partner's doses feed against immunization's store."""
    with psycopg.connect(stack["immunization"].database_url, autocommit=True) as conn:
        doses = {row[0] for row in conn.execute("SELECT event_id::text FROM events WHERE event_type = %s",
                                                (DOSE_ADMINISTERED,))}
    with psycopg.connect(stack["partner"].database_url, autocommit=True) as conn:
        rows = conn.execute("SELECT source_event_id::text, record_id::text FROM feed_outbox"
                            " WHERE partner = %s AND record_type = %s", (partner, DOSE_GIVEN)).fetchall()
    per_dose: dict[str, int] = {}
    for source, _ in rows:
        per_dose[source] = per_dose.get(source, 0) + 1
    records = {record for _, record in rows}
    published = _topic_ids(bootstrap, partner_feed_topic("DOSES", partner))
    problems = []
    if missing := doses - per_dose.keys():
        problems.append(f"partner feed: {len(missing)} of {len(doses)} doses have no record")
    if doubled := [s for s, n in per_dose.items() if n > 1]:
        problems.append(f"partner feed: {len(doubled)} doses have more than one record")
    if unknown := per_dose.keys() - doses:
        problems.append(f"partner feed: {len(unknown)} records of no dose in the store")
    if unpublished := records - set(published):
        problems.append(f"partner feed: {len(unpublished)} records not on the topic")
    if strangers := set(published) - records:
        problems.append(f"partner feed: {len(strangers)} records on the topic that are not in the outbox")
    return {"partner": partner, "doses": len(doses), "records": len(rows), "published": len(published),
            "published_distinct": len(set(published)), "problems": problems}
