"""Issue 18: a dose's day is its campaign day in ``CAMPAIGN_TIME_ZONE``, not in a zone fixed in the code.

The person's dose record (the aggregate the interval and next-dose rules read) folds a dose given at 02:00 UTC
onto the day that moment falls on in the deployment's zone, and the handlers load the record in the zone their
``Deps`` carry.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from services.immunization.domain import record
from services.immunization.handlers import RECORD, Deps

from .builders import given

SAO_PAULO = ZoneInfo("America/Sao_Paulo")
EARLY = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # 2 March in Ho Chi Minh City, still 1 March in São Paulo


def test_a_dose_falls_on_the_day_of_the_record_zone():
    dose = replace(given(date(2026, 3, 2)), administered_at=EARLY)
    assert record.evolve(record.PersonRecord.empty(), dose, "e-1").doses[0].given_on == date(2026, 3, 2)
    assert record.evolve(record.PersonRecord.empty(SAO_PAULO), dose, "e-1").doses[0].given_on == date(2026, 3, 1)


def test_the_handlers_load_the_record_in_the_zone_of_their_deps():
    deps = Deps(reference=None, clock=lambda: EARLY, zone=SAO_PAULO)
    assert deps.record.type == RECORD.type and deps.record.initial().zone is SAO_PAULO
    assert Deps(reference=None, clock=lambda: EARLY).record is RECORD
