"""The session day sheet does not depend on the order partitions are consumed in.

A dose lives on the person's stream and its check-in on the visit's stream: different Kafka keys, so the
views projection may see ``DoseAdministered`` before the ``PersonCheckedIn`` of the same visit.
"""

from __future__ import annotations

import uuid
from datetime import date
from types import SimpleNamespace

import psycopg

from eventkit.db import migrate
from services.immunization.bootstrap import MIGRATIONS
from services.immunization.domain import events as ev
from services.immunization.projections import views
from tests.unit.immunization.builders import at, given


def envelope() -> SimpleNamespace:
    return SimpleNamespace(event_id=uuid.uuid4())


def test_a_dose_projected_before_its_check_in_still_counts_as_vaccinated(database):
    migrate(database, MIGRATIONS)
    day = date(2021, 8, 21)
    dose = given(day, dose_id="D-EARLY-1")
    check_in = ev.PersonCheckedIn(dose.visit_id, dose.person_id, dose.session_id, at(day, 8), "QR", True,
                                  site_id=dose.site_id)
    with psycopg.connect(database) as conn:
        views.dose_administered(conn, envelope(), dose)
        views.checked_in(conn, envelope(), check_in)
        row = conn.execute("SELECT dose_id, administered_at FROM visit_view WHERE visit_id = %s",
                           (dose.visit_id,)).fetchone()
    assert row == ("D-EARLY-1", dose.administered_at)
