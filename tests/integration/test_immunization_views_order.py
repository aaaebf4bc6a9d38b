"""The day sheet does not depend on the order in which a visit's check-in and its dose are applied.

They belong to different aggregates (the visit, keyed by visit id; the person's dose record, keyed by
person id), so they travel on different Kafka partitions and a projection may see the dose first.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, date, datetime
from types import SimpleNamespace

import psycopg

from eventkit.db import migrate
from services.immunization.bootstrap import MIGRATIONS
from services.immunization.domain import events as ev
from services.immunization.projections import views
from tests.unit.immunization.builders import given

CHECKED_IN_AT = datetime(2021, 10, 15, 1, 30, tzinfo=UTC)


def envelope() -> SimpleNamespace:
    return SimpleNamespace(event_id=uuid.uuid4())


def test_a_dose_applied_before_its_check_in_still_shows_on_the_visit(database):
    migrate(database, MIGRATIONS)
    check_in = ev.PersonCheckedIn("V-ORDER-1", "P-ORDER-1", "SES-ORDER", CHECKED_IN_AT, "QR", True, "",
                                  "vaccinator-1", "S-79-760-01")
    dose = replace(given(date(2021, 10, 15)), visit_id="V-ORDER-1", person_id="P-ORDER-1", session_id="SES-ORDER")
    with psycopg.connect(database) as conn:
        views.dose_administered(conn, envelope(), dose)  # the person's partition was read first
        views.checked_in(conn, envelope(), check_in)
        row = conn.execute("SELECT dose_id, administered_at FROM visit_view WHERE visit_id = 'V-ORDER-1'").fetchone()
    assert row == (dose.dose_id, dose.administered_at)


def test_the_usual_order_records_the_dose_on_the_visit_too(database):
    migrate(database, MIGRATIONS)
    check_in = ev.PersonCheckedIn("V-ORDER-2", "P-ORDER-2", "SES-ORDER", CHECKED_IN_AT, "QR", True, "",
                                  "vaccinator-1", "S-79-760-01")
    dose = replace(given(date(2021, 10, 15)), visit_id="V-ORDER-2", person_id="P-ORDER-2", session_id="SES-ORDER")
    with psycopg.connect(database) as conn:
        views.checked_in(conn, envelope(), check_in)
        views.dose_administered(conn, envelope(), dose)
        row = conn.execute("SELECT dose_id FROM visit_view WHERE visit_id = 'V-ORDER-2'").fetchone()
    assert row == (dose.dose_id,)
