"""The partner service's real web + worker for a test, and what its tests share: tokens, a grant, reading a
feed topic with its records decoded, and the outbox as the derivation left it."""

from __future__ import annotations

import uuid
from collections import Counter
from pathlib import Path

import psycopg
import pytest
import requests

from eventkit.auth import generate_dev_keypair, mint_token
from eventkit.topics import partner_feed_topic
from services.partner.bootstrap import MIGRATIONS
from vaxtrail.partner.v1 import feeds_pb2

from .kafka_helpers import read_topic, wait_for
from .service_procs import drop_service_database, private_workdir, start_service

DECODERS = {m.full_name: getattr(feeds_pb2, m.name) for m in feeds_pb2.DESCRIPTOR.message_types_by_name.values()}


@pytest.fixture(scope="module")
def partner(infra):
    workdir = private_workdir("partner")
    private, public = generate_dev_keypair(workdir / "keys")
    service = start_service("partner", server_url=infra.server_url, kafka_bootstrap=infra.kafka_bootstrap,
                            public_key=public, workdir=workdir, migrations=MIGRATIONS,
                            extra_env={"PROJECTION_BATCH_SIZE": "10"})  # many small batches: a kill lands mid-derivation
    service.private_key = Path(private).read_bytes()
    yield service
    service.stop()
    drop_service_database(service, infra.server_url)


def headers(service, role: str = "national_admin", scope: str = "national") -> dict[str, str]:
    token = mint_token(service.private_key, subject=f"{role}-tests", role=role, scopes=[scope])
    return {"Authorization": f"Bearer {token}"}


def new_partner() -> str:
    return f"agency-{uuid.uuid4().hex[:8]}"


def grant(service, name: str, feeds: list[str]) -> dict:
    response = requests.post(service.url("/v1/partners"), json={"partner": name, "feeds": feeds,
                                                                "reason": "data sharing agreement 42"},
                             headers=headers(service), timeout=30)
    assert response.status_code == 201, response.text
    return response.json()


def feed_records(bootstrap: str, topic: str) -> list[tuple[dict, object, object]]:
    """Every record of a feed topic: (headers, key, decoded message)."""
    found = []
    for record in read_topic(bootstrap, topic):
        head = {k: v.decode() for k, v in record.headers}
        found.append((head, record.key.decode(), DECODERS[head["ce_type"]].FromString(record.value)))
    return found


def doses_topic(name: str) -> str:
    return partner_feed_topic("DOSES", name)


def outbox(service, partner: str, sources: set[str]) -> Counter:
    """Records per source event in the outbox, for one partner and the given source events."""
    with psycopg.connect(service.database_url) as conn:
        rows = conn.execute("SELECT source_event_id::text, count(*) FROM feed_outbox WHERE partner = %s"
                            " AND source_event_id::text = ANY(%s) GROUP BY 1", (partner, list(sources))).fetchall()
    return Counter(dict(rows))


def wait_for_doses(bootstrap: str, name: str, count: int, lot_number: str) -> list:
    """The partner's DoseGiven records of one lot (the topics hold other tests' doses too), once there are
    ``count``."""
    def enough():
        try:
            records = feed_records(bootstrap, doses_topic(name))
        except Exception:  # noqa: BLE001 - the topic is created with the partner's first record
            return None
        mine = [r for r in records if r[0]["ce_type"].endswith(".DoseGiven") and r[2].lot_number == lot_number]
        return mine if len({h["ce_id"] for h, _, _ in mine}) >= count else None

    return wait_for(enough, timeout=180, what=f"{count} dose records for {name}")
