"""The allocation command handlers through the bus bootstrap builds, on the in-memory store (no servers).

The read models are a fake (:class:`FakeQueries`); what the service's own events promise is folded from the
store, so these show the handlers' part: which streams they load and append, what they answer, that
promising commands see every other plan of their store and hold the store's lock.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pytest

from eventkit.aggregates import EventSourcing
from eventkit.envelope import CommandContext
from eventkit.errors import DomainError, NotFound
from eventkit.store.base import WrongAggregateKind
from eventkit.testing import InMemoryEventStore
from services.allocation.bootstrap import bus
from services.allocation.codec import build_codec
from services.allocation.domain import commands, plans, sessions
from services.allocation.domain.common import LotStock, Recipient, StockLine
from services.allocation.domain.proposal import Demand
from services.allocation.handlers import Deps
from services.allocation.handlers.aggregates import PLAN
from services.allocation.queries import Presentation

NOW = datetime(2021, 8, 2, 9, 0, tzinfo=UTC)
AZ = "AZ-VAXZEVRIA-10"
SITE = sessions.Site("S-79-760-01", "SITE", 2, date(2021, 3, 1), None, "DS-760")


POSITIONS = ("vaxtrail.inventory.v1:0:41", "vaxtrail.registration.v1:0:7")


@dataclass
class FakeQueries:
    """The read models as a decision sees them: 100,000 doses of ABV5300 at the national store."""

    stock: dict[str, int] = field(default_factory=lambda: {"NAT-EPI": 100_000, "DS-760": 1_000})
    first_doses: int = 0

    def positions(self) -> tuple[str, ...]:
        return POSITIONS

    def store_of(self, level: str, province_code: str, source_location_id: str | None) -> str:
        return source_location_id or ("NAT-EPI" if level == "NATIONAL" else f"PS-{province_code}")

    def holding_store(self, location_id: str) -> str:
        return location_id

    def recipients(self, level: str, province_code: str, today: date) -> dict[str, Recipient]:
        return {"79": Recipient("79", "PROVINCE", "PS-79", "79"), "01": Recipient("01", "PROVINCE", "PS-01", "01")}

    def site(self, site_id: str):
        return (SITE if site_id == SITE.location_id else None), ["national"]

    def presentation(self, presentation_id: str) -> Presentation:
        return Presentation(presentation_id, 10, 2)

    def lots_at(self, location_id: str, presentation_id: str, today: date) -> tuple[LotStock, ...]:
        return (LotStock("ABV5300", AZ, self.stock.get(location_id, 0), date(2021, 11, 30)),)

    def dispatched(self, reference_ids: list[str]) -> dict:
        return {}

    def demand(self, level: str, recipients: dict, groups: tuple) -> dict[str, Demand]:
        return {"79": Demand("79", 300), "01": Demand("01", 100)}

    def doses_given(self, unit_id: str, presentation_id: str) -> tuple[int, int]:
        return self.first_doses, 0


class LockRecordingStore(InMemoryEventStore):
    def __init__(self) -> None:
        super().__init__()
        self.locks: list[str] = []

    @contextmanager
    def exclusive(self, name: str) -> Iterator[None]:
        self.locks.append(name)
        with super().exclusive(name):
            yield


@pytest.fixture
def read() -> FakeQueries:
    return FakeQueries()


@pytest.fixture
def allocation(read):
    es = EventSourcing(LockRecordingStore(), build_codec(), producer="allocation/test")
    return bus(es, Deps(clock=lambda: NOW, read=read, fold_type=es.fold_type))


def by(actor: str) -> CommandContext:
    return CommandContext(actor_id=actor, actor_role="national_admin")


def manual(plan_id: str, *doses: tuple[str, int]) -> commands.DraftAllocationPlan:
    lines = tuple(plans.LineSpec(f"L-{unit}", unit, n, date(2021, 10, 31)) for unit, n in doses)
    return commands.DraftAllocationPlan(plan_id, "NATIONAL", "", None, AZ, (), "MANUAL", 0, "COVAX", "QD-3355",
                                        date(2021, 10, 31), lines=lines)


def test_a_plan_is_drafted_submitted_approved_by_another_officer_and_released(allocation):
    drafted = allocation.handle(manual("AP-1", ("79", 6_000), ("01", 4_000)), by("admin-anh"))
    assert drafted.response["id"] == "AP-1" and drafted.response["status"] == "DRAFT"
    assert drafted.response["versions"] == {"AP-1": 3} and len(drafted.response["event_ids"]) == 3
    allocation.handle(commands.SubmitPlan("AP-1", "wave 3"), by("admin-anh"))
    with pytest.raises(DomainError) as self_approval:
        allocation.handle(commands.ApprovePlan("AP-1"), by("admin-anh"))
    assert (self_approval.value.rule, self_approval.value.field) == ("INV-16", "actor_id")
    assert allocation.handle(commands.ApprovePlan("AP-1"), by("admin-binh")).response["status"] == "APPROVED"
    released = allocation.handle(commands.ReleasePlan("AP-1"), by("admin-binh"))
    assert released.response["status"] == "RELEASED" and released.response["versions"] == {"AP-1": 7}
    assert allocation.es.store.locks == ["allocation:NAT-EPI"] * 5


def test_every_decision_records_where_the_read_models_it_read_stood(allocation, read):
    """Issue 17: plan, reserve and session decisions carry the read models' positions, as registration's and
    immunization's do; an event that read nothing from them (a rejection, a cancellation) carries none."""
    allocation.handle(manual("AP-9", ("79", 6_000)), by("admin-anh"))
    allocation.handle(commands.SubmitPlan("AP-9", "wave 3"), by("admin-anh"))
    allocation.handle(commands.ApprovePlan("AP-9"), by("admin-binh"))
    allocation.handle(commands.ReleasePlan("AP-9"), by("admin-binh"))
    read.first_doses = 10
    allocation.handle(commands.RecomputeSecondDoseReserve("79", AZ, "wave 3"), by("admin-anh"))
    stamped = [e for e in allocation.es.store.load_type("allocation_plan")] + list(
        allocation.es.store.load_type("second_dose_reserve"))
    decoded = [allocation.es.codec.decode(e.event_type, e.payload) for e in stamped]
    assert decoded and all(e.read_model_positions == POSITIONS for e in decoded)


def test_a_proposal_splits_the_total_by_population(allocation):
    proposed = commands.DraftAllocationPlan("AP-2", "NATIONAL", "", None, AZ, (), "POPULATION", 40_000, "COVAX",
                                            "QD-3355", date(2021, 10, 31))
    allocation.handle(proposed, by("admin-anh"))
    plan, _ = allocation.es.load(PLAN, "AP-2")
    assert {line.recipient_unit_id: line.doses for line in plan.lines.values()} == {"79": 30_000, "01": 10_000}


def test_doses_other_plans_of_the_store_hold_are_not_free_inv_15(allocation):
    allocation.handle(manual("AP-A", ("79", 60_000)), by("admin-anh"))
    allocation.handle(commands.SubmitPlan("AP-A"), by("admin-anh"))
    with pytest.raises(DomainError) as refused:
        allocation.handle(manual("AP-B", ("01", 50_000)), by("admin-anh"))
    assert (refused.value.rule, refused.value.field) == ("INV-15", "lines")
    assert allocation.es.store.load("AP-B") == []


def test_an_id_that_names_another_kind_of_stream_is_refused_naming_the_request_field(allocation):
    starts = datetime(2021, 8, 3, 1, 0, tzinfo=UTC)
    session = sessions.PlanSession("SES-1", SITE.location_id, starts.date(), starts, starts + timedelta(hours=4), 1,
                                   AZ, 60, 60)
    allocation.handle(session, by("officer-760"))
    allocation.handle(manual("AP-1", ("79", 1_000)), by("admin-anh"))
    with pytest.raises(WrongAggregateKind) as plan_named_like_a_session:
        allocation.handle(manual("SES-1", ("79", 1_000)), by("admin-anh"))
    assert (plan_named_like_a_session.value.rule, plan_named_like_a_session.value.field) == ("aggregate-kind",
                                                                                              "plan_id")
    with pytest.raises(WrongAggregateKind) as session_named_like_a_plan:
        allocation.handle(sessions.PlanSession("AP-1", *[getattr(session, f) for f in (
            "site_id", "session_date", "starts_at", "ends_at", "injection_tables", "presentation_id",
            "planned_persons", "planned_doses")]), by("officer-760"))
    assert session_named_like_a_plan.value.field == "session_id"
    assert [len(allocation.es.store.load(i)) for i in ("SES-1", "AP-1")] == [1, 2]


def test_commands_on_an_unknown_plan_are_404s(allocation):
    with pytest.raises(NotFound) as missing:
        allocation.handle(commands.SubmitPlan("AP-NONE"), by("admin-anh"))
    assert missing.value.field == "plan_id"


def test_a_reserve_answers_the_doses_now_reserved_and_an_unchanged_need_appends_nothing(allocation, read):
    read.first_doses = 25
    reserve = commands.RecomputeSecondDoseReserve("79", AZ, "wave 3")
    first = allocation.handle(reserve, by("admin-anh"))
    assert first.response["reserved_doses"] == 25 and len(first.events) == 1
    again = allocation.handle(reserve, by("admin-anh"))
    assert again.response["reserved_doses"] == 25 and again.events == []
    assert allocation.es.store.locks == ["allocation:NAT-EPI"] * 2


def test_dispensing_counts_what_earlier_sessions_of_the_district_were_dispensed_inv_19(allocation, read):
    starts = datetime(2021, 8, 3, 1, 0, tzinfo=UTC)
    for session_id in ("SES-1", "SES-2"):
        allocation.handle(sessions.PlanSession(session_id, SITE.location_id, starts.date(), starts,
                                               starts + timedelta(hours=8), 2, AZ, 300, 300), by("officer-760"))
    allocation.handle(commands.DispenseToSession("SES-1", (StockLine("ABV5300", 300, 30),)), by("officer-760"))
    read.stock["DS-760"] = 500
    with pytest.raises(DomainError) as refused:
        allocation.handle(commands.DispenseToSession("SES-2", (StockLine("ABV5300", 300, 30),)), by("officer-760"))
    assert (refused.value.rule, refused.value.field) == ("INV-19", "lines.0.doses")
    assert allocation.es.store.locks == ["allocation:DS-760"] * 2
