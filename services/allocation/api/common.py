"""Request-model building blocks the allocation routes share."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field

Id = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:\-]+$")
Code = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9._\-]+$")
GroupCode = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9._\-]+$")]
UnitId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:\-]+$")]
# Lists and maps are bounded so that no event nears Kafka's 1 MB message limit (the relay would retry it forever).
MANY = 1_000
# A weight scales a unit's share: NaN, infinity or a negative weight would silently empty or skew a proposal.
Weight = Annotated[float, Field(ge=0, allow_inf_nan=False)]


def _plausible(moment: datetime) -> datetime:
    # Far-off instants (year 9999 at -14:00) overflow when converted to UTC or to a protobuf Timestamp.
    if not datetime(2000, 1, 1, tzinfo=UTC) <= moment < datetime(2100, 1, 1, tzinfo=UTC):
        raise ValueError("a time between 2000 and 2100 is expected")
    return moment


def _plausible_day(day: date) -> date:
    if not date(2000, 1, 1) <= day < date(2100, 1, 1):
        raise ValueError("a date between 2000 and 2100 is expected")
    return day


Moment = Annotated[AwareDatetime, AfterValidator(_plausible)]
Day = Annotated[date, AfterValidator(_plausible_day)]
PLAN_WRITERS = ("national_admin", "province_officer")
READERS = ("national_admin", "province_officer", "district_officer", "auditor", "analyst")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Accepted(BaseModel):
    id: str
    event_ids: list[str]
    aggregate_version: int | None
    status: str | None = None
    reserved_doses: int | None = None


def scope_path(level: str, province_code: str) -> list[str]:
    """Scope path of a plan: national plans need ``national``; a province's plans also accept its officers."""
    return ["national"] if level == "NATIONAL" else ["national", f"province:{province_code}"]
