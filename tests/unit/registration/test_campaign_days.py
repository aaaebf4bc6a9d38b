"""Registration's "not in the future" rules compare campaign days (Asia/Ho_Chi_Minh), not UTC days (issue 18)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from eventkit.envelope import CommandContext
from eventkit.errors import DomainError
from services.registration.domain import person

from .builders import REFS, bus, citizen_id, register

ICT = timezone(timedelta(hours=7))
BORN = date(2021, 7, 21)
OFFICER = CommandContext("officer-79", "province_officer")


def newborn():
    return register(date_of_birth=BORN, national_id=citizen_id(born=BORN))


@pytest.mark.parametrize("offset", [UTC, ICT], ids=["utc", "ict"])
@pytest.mark.parametrize("local_now, accepted", [
    (datetime(2021, 7, 20, 23, 59, tzinfo=ICT), False),
    (datetime(2021, 7, 21, 0, 0, tzinfo=ICT), True),
    (datetime(2021, 7, 21, 0, 30, tzinfo=ICT), True),
], ids=["2359-day-before", "0000-birthday", "0030-birthday"])
def test_a_date_of_birth_is_in_the_future_only_in_campaign_days(offset, local_now, accepted):
    now = local_now.astimezone(offset)
    if accepted:
        [registered] = person.register(person.Person(), newborn(), REFS, now=now)
        assert registered.date_of_birth == BORN
    else:
        with pytest.raises(DomainError) as refused:
            person.register(person.Person(), newborn(), REFS, now=now)
        assert (refused.value.rule, refused.value.field) == ("INV-31", "date_of_birth")


def test_the_campaign_zone_comes_from_the_references():
    # At 17:30 UTC it is still 20 July in UTC: a campaign run in UTC refuses the birth on 21 July.
    now = datetime(2021, 7, 20, 17, 30, tzinfo=UTC)
    with pytest.raises(DomainError):
        person.register(person.Person(), newborn(), replace(REFS, zone=UTC), now=now)
    assert person.register(person.Person(), newborn(), REFS, now=now)


@pytest.mark.parametrize("local_now, accepted", [
    (datetime(2021, 7, 20, 23, 59, tzinfo=ICT), False),
    (datetime(2021, 7, 21, 0, 0, tzinfo=ICT), True),
], ids=["2359-day-before", "0000-effective-day"])
def test_a_priority_group_effective_date_is_in_the_future_only_in_campaign_days(local_now, accepted):
    [registered] = person.register(person.Person(), register(), REFS, now=datetime(2021, 7, 1, tzinfo=UTC))
    state = person.Person(registered.person_id, registered)
    decide = lambda: person.decide_group(state, "G4", None, "school letter", BORN, REFS.catalogues,  # noqa: E731
                                         now=local_now.astimezone(UTC), zone=REFS.zone)
    if accepted:
        assert decide().group_code == "G4"
    else:
        with pytest.raises(DomainError) as refused:
            decide()
        assert refused.value.field == "effective_date"


# -- through the command bus as bootstrap wires it (the handlers pass the campaign zone in) -------------------

@pytest.mark.parametrize("utc_now, accepted", [
    (datetime(2021, 7, 20, 16, 59, tzinfo=UTC), False),
    (datetime(2021, 7, 20, 17, 0, tzinfo=UTC), True),
    (datetime(2021, 7, 20, 17, 30, tzinfo=UTC), True),
], ids=["2359-local-day-before", "0000-local-birthday", "0030-local-birthday"])
def test_a_newborn_registers_from_local_midnight_through_the_bus(utc_now, accepted):
    registration = bus(clock=lambda: utc_now)
    if accepted:
        assert registration.handle(newborn(), OFFICER).response["person_id"] == newborn().person_id
    else:
        with pytest.raises(DomainError) as refused:
            registration.handle(newborn(), OFFICER)
        assert (refused.value.rule, refused.value.field) == ("INV-31", "date_of_birth")
