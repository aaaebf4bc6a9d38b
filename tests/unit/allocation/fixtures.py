"""Readable test data for the allocation domain: a national store holding AstraZeneca lot ABV5300."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from services.allocation.domain import plans
from services.allocation.domain.common import LotStock, Recipient, SupplyPicture

NOW = datetime(2021, 8, 2, 9, 0, tzinfo=UTC)
AZ = "AZ-VAXZEVRIA-10"
RECIPIENTS = {
    "79": Recipient("79", "PROVINCE", "PS-79", "79"),
    "01": Recipient("01", "PROVINCE", "PS-01", "01"),
    "SU-ARMY": Recipient("SU-ARMY", "SPECIAL_UNIT", "SU-ARMY"),
    "760": Recipient("760", "DISTRICT", "DS-760", "79"),
}


def picture(on_hand: int = 2_000_000, *, expiry: date = date(2021, 11, 30), **changes) -> SupplyPicture:
    base = SupplyPicture("NAT-EPI", AZ, 10, (LotStock("ABV5300", AZ, on_hand, expiry),), RECIPIENTS,
                         today=NOW.date())
    return replace(base, **changes)


def line(unit: str, doses: int, *, use_by: date = date(2021, 10, 31), dose_number: int = 1) -> plans.LineSpec:
    return plans.LineSpec(f"L-{unit}", unit, doses, use_by, "PRIMARY", dose_number, ("G1",))


def draft(*lines: plans.LineSpec, plan_id: str = "AP-2021-08-A", lot_ids: tuple[str, ...] = ()) -> plans.DraftPlan:
    return plans.DraftPlan(plan_id, "NATIONAL", "", AZ, lot_ids, "MANUAL", "COVAX", "QD-3355/QD-BYT",
                           date(2021, 10, 31), ("G1",), lines)


def drafted_events(*lines: plans.LineSpec, pic: SupplyPicture | None = None, **kw) -> list:
    return plans.draft_plan(plans.AllocationPlan.empty(), draft(*lines, **kw), pic or picture(), NOW)


def submitted(by: str = "admin-anh") -> plans.AllocationPlanSubmitted:
    return plans.AllocationPlanSubmitted("AP-2021-08-A", by, "NATIONAL", "", NOW)


def approved(by: str = "admin-binh") -> plans.AllocationPlanApproved:
    return plans.AllocationPlanApproved("AP-2021-08-A", by, "NATIONAL", "", NOW)


def a_draft_of(*lines: plans.LineSpec) -> list:
    """A draft plan's events (600,000 doses to province 79 unless ``lines`` say otherwise)."""
    return drafted_events(*(lines or (line("79", 600_000),)))
