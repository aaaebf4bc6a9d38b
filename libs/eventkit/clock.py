"""The campaign clock: which calendar day a moment falls on, for every rule that speaks of a day.

A lot expires *on* a date, a location goes live *on* a date, a session is held *on* a date, a person is born
*on* a date: each such date is a day of the campaign's calendar, in the campaign's time zone
(``CAMPAIGN_TIME_ZONE``, default ``Asia/Ho_Chi_Minh``), whatever offset the client wrote its time in.
``2021-09-30T17:30:00Z`` and ``2021-10-01T00:30:00+07:00`` are the same instant and fall on the same
campaign day, 1 October.

Every service's domain takes the zone (or the date already computed) as an argument and calls these pure
functions; only entry points read the setting (:attr:`eventkit.settings.Settings.campaign_time_zone`) and
turn it into a zone with :func:`campaign_zone`. Never ``moment.date()`` (the client's offset) nor
``date.today()`` (the server's zone) in a day rule.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

CAMPAIGN_TIME_ZONE = "Asia/Ho_Chi_Minh"
"""The default campaign time zone (an IANA name)."""


@lru_cache(maxsize=8)
def campaign_zone(name: str = CAMPAIGN_TIME_ZONE) -> tzinfo:
    """The zone called ``name`` (IANA); ``ValueError`` when there is no such zone."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"CAMPAIGN_TIME_ZONE={name!r} is not a known IANA time zone") from exc


CAMPAIGN_ZONE: tzinfo = campaign_zone()
"""The default zone, for callers (tests, tools) that are not given one."""


def campaign_date(moment: datetime, zone: tzinfo = CAMPAIGN_ZONE) -> date:
    """The campaign day ``moment`` falls on (``moment`` must carry an offset)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a moment without a time zone has no campaign date")
    return moment.astimezone(zone).date()


def start_of_day(day: date, zone: tzinfo = CAMPAIGN_ZONE) -> datetime:
    """The first instant of campaign day ``day``."""
    return datetime.combine(day, time.min, zone)


def end_of_day(day: date, zone: tzinfo = CAMPAIGN_ZONE) -> datetime:
    """The first instant *after* campaign day ``day`` (an expiry date is usable through its whole day)."""
    return start_of_day(day + timedelta(days=1), zone)


__all__ = ["CAMPAIGN_TIME_ZONE", "CAMPAIGN_ZONE", "campaign_date", "campaign_zone", "end_of_day", "start_of_day"]
