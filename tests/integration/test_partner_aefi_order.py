"""The AEFI feed whatever order the topics deliver in (the derivation's handlers against a real PostgreSQL, no
broker): a report (and its classification) that arrives before its person's registration is held and emitted
with the person's birth year, sex and province once the registration arrives - the same records, in the same
order, as when the registration came first; nothing doubled when the events come again."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from itertools import permutations
from types import SimpleNamespace

import psycopg

from eventkit.clock import CAMPAIGN_ZONE
from eventkit.db import migrate
from services.partner.bootstrap import MIGRATIONS
from services.partner.codec import build_codec
from services.partner.projections.derivation import TABLES, partner_feeds
from tests.integration.certificate_world import timestamp
from vaxtrail.common.v1 import types_pb2 as common
from vaxtrail.immunization.v1 import events_pb2 as immunization
from vaxtrail.partner.v1 import feeds_pb2
from vaxtrail.registration.v1 import events_pb2 as registration

KEY = bytes(range(32))
WHEN = datetime(2021, 6, 1, 3, 0, tzinfo=UTC)
DERIVATION = partner_feeds(build_codec(), lambda: KEY, CAMPAIGN_ZONE)


def story(run: str) -> dict[str, tuple[str, datetime, object]]:
    """name -> (event id, recorded at, message): a person, their AEFI report and its classification."""
    person = f"P-{run}"
    return {
        "registered": (str(uuid.uuid4()), WHEN, registration.PersonRegistered(
            person_id=person, national_id="079180000001", full_name="Nguyễn Văn An", date_of_birth="1980-05-17",
            sex="MALE", address=common.Address(province_code="79", district_code="760"))),
        "reported": (str(uuid.uuid4()), WHEN + timedelta(hours=1), immunization.AefiReported(
            aefi_id=f"AEFI-{run}", person_id=person, dose_ids=[f"D-{run}"], lot_ids=[f"LOT-{run}"],
            onset_at=timestamp(WHEN), symptoms=["Pyrexia"], outcome="RECOVERED", source="SITE_OBSERVATION",
            reporter_id="vaccinator-1", reported_at=timestamp(WHEN), site_ids=["S-79-760-01"])),
        "classified": (str(uuid.uuid4()), WHEN + timedelta(days=2), immunization.AefiClassified(
            aefi_id=f"AEFI-{run}", level="PROVINCE", causality="A1", lot_ids=[f"LOT-{run}"],
            classified_at=timestamp(WHEN + timedelta(days=2)))),
    }


def play(conn, events: dict, order) -> None:
    for name in order:
        event_id, recorded_at, message = events[name]
        DERIVATION.handlers[message.DESCRIPTOR.full_name](
            conn, SimpleNamespace(event_id=uuid.UUID(event_id), recorded_at=recorded_at), message)


def aefi_records(conn) -> list[tuple[str, feeds_pb2.AefiCase]]:
    rows = conn.execute("SELECT record_id::text, value FROM feed_outbox WHERE feed = 'AEFI' ORDER BY position")
    return [(rid, feeds_pb2.AefiCase.FromString(bytes(value))) for rid, value in rows.fetchall()]


def test_a_report_before_its_person_is_held_and_sent_with_the_persons_details_in_every_order(database):
    migrate(database, MIGRATIONS)
    with psycopg.connect(database, autocommit=True) as conn:
        # the report and its classification are one stream (one key, one partition): always in that order
        orders = [o for o in permutations(("registered", "reported", "classified"))
                  if o.index("reported") < o.index("classified")]
        assert len(orders) == 3
        for order in orders:
            conn.execute(f"TRUNCATE feed_outbox, {', '.join(TABLES)}")
            events = story("ORDER")  # other event ids each time, the same facts
            play(conn, events, order)
            found = aefi_records(conn)
            summary = [(m.stage, m.birth_year, m.sex, m.province_code, m.causality) for _, m in found]
            assert summary == [("REPORTED", 1980, "MALE", "79", ""), ("CLASSIFIED", 0, "", "", "A1")], order
            assert conn.execute("SELECT count(*) FROM partner_aefi_pending").fetchone()[0] == 0


def test_events_coming_again_while_held_and_after_do_not_double_a_record(database):
    migrate(database, MIGRATIONS)
    with psycopg.connect(database, autocommit=True) as conn:
        conn.execute(f"TRUNCATE feed_outbox, {', '.join(TABLES)}")
        events = story(uuid.uuid4().hex[:6])
        play(conn, events, ("reported", "classified", "reported", "classified"))
        assert aefi_records(conn) == []  # held: nothing without the person's details
        assert conn.execute("SELECT count(*) FROM partner_aefi_pending").fetchone()[0] == 2
        play(conn, events, ("registered", "reported", "classified", "registered"))
        found = aefi_records(conn)
        assert [m.stage for _, m in found] == ["REPORTED", "CLASSIFIED"]
        assert len({rid for rid, _ in found}) == 2
