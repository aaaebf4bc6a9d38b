"""eventkit.clock (the campaign day of a moment), the CAMPAIGN_TIME_ZONE setting and eventkit.identity."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from eventkit.clock import CAMPAIGN_ZONE, campaign_date, campaign_zone, end_of_day, start_of_day
from eventkit.identity import same_actor
from eventkit.settings import Settings, SettingsError

ICT = timezone(timedelta(hours=7))
ENV = {"DATABASE_URL": "postgresql://u@h/postgres", "KAFKA_BOOTSTRAP": "localhost:9092"}


@pytest.mark.parametrize("moment, day", [
    (datetime(2021, 9, 30, 16, 59, 59, tzinfo=UTC), date(2021, 9, 30)),
    (datetime(2021, 9, 30, 17, 0, tzinfo=UTC), date(2021, 10, 1)),
    (datetime(2021, 9, 30, 17, 30, tzinfo=UTC), date(2021, 10, 1)),
    (datetime(2021, 10, 1, 0, 30, tzinfo=ICT), date(2021, 10, 1)),
    (datetime(2021, 9, 30, 23, 59, tzinfo=ICT), date(2021, 9, 30)),
    (datetime(2021, 9, 30, 12, 0, tzinfo=timezone(timedelta(hours=-10))), date(2021, 10, 1)),
])
def test_the_campaign_date_is_the_day_in_vietnam_whatever_the_offset(moment, day):
    assert campaign_date(moment) == day


def test_a_moment_without_a_zone_has_no_campaign_date():
    with pytest.raises(ValueError):
        campaign_date(datetime(2021, 10, 1, 0, 30))


def test_a_day_runs_from_local_midnight_to_local_midnight():
    assert start_of_day(date(2021, 10, 1)) == datetime(2021, 9, 30, 17, 0, tzinfo=UTC)
    assert end_of_day(date(2021, 10, 1)) == datetime(2021, 10, 1, 17, 0, tzinfo=UTC)


def test_the_zone_is_one_setting_defaulting_to_ho_chi_minh():
    assert Settings.from_env("inventory", ENV).campaign_zone is CAMPAIGN_ZONE
    settings = Settings.from_env("inventory", ENV | {"CAMPAIGN_TIME_ZONE": "Asia/Bangkok"})
    assert settings.campaign_time_zone == "Asia/Bangkok"
    assert campaign_date(datetime(2021, 9, 30, 17, 30, tzinfo=UTC), settings.campaign_zone) == date(2021, 10, 1)
    assert campaign_date(datetime(2021, 9, 30, 17, 30, tzinfo=UTC), campaign_zone("UTC")) == date(2021, 9, 30)


def test_an_unknown_zone_is_refused_at_start_up():
    with pytest.raises(SettingsError):
        Settings.from_env("inventory", ENV | {"CAMPAIGN_TIME_ZONE": "Mars/Olympus_Mons"})


@pytest.mark.parametrize("first, second, same", [
    ("officer.lan", "officer.lan", True),
    ("Officer.Lan", "officer.lan", True),
    ("OFFICER.LAN", "officer.lan", True),
    (" officer.lan", "officer.lan", True),
    ("officer.lan", "officer.lam", False),
    ("", "", False),
])
def test_actor_ids_compare_case_insensitively(first, second, same):
    assert same_actor(first, second) is same
