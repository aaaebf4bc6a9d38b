"""District session plans and dispensing stock to the session's site (INV-19).

A session is planned only at an active vaccination site of the planning district, with no more tables
than the site has, and no more planned persons than its capacity: tables x hours x
:data:`PERSONS_PER_TABLE_HOUR`. Dispensed doses (all dispensings of the session together) never exceed
that capacity rounded up to whole vials, and never the district's usable stock of the lot: on hand at the
district store (from inventory's events) minus what earlier sessions were dispensed and inventory has not
yet booked, of a lot of the session's presentation that is usable and not expired on the session date.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, tzinfo

from eventkit.clock import CAMPAIGN_ZONE, campaign_date
from eventkit.errors import DomainError, DuplicateEntity, NotFound
from services.allocation.domain.common import SERIES, LotStock, StockLine, require_whole_vials

PERSONS_PER_TABLE_HOUR = 20
"""One injection table vaccinates about 20 people an hour (3 minutes each, screening done elsewhere)."""


@dataclass(frozen=True)
class SessionPlanned:
    session_id: str
    site_id: str
    session_date: date
    starts_at: datetime
    ends_at: datetime
    injection_tables: int
    presentation_id: str
    planned_persons: int
    planned_doses: int
    priority_group_codes: tuple[str, ...]
    target_series: str
    target_dose_numbers: tuple[int, ...]
    district_health_centre_id: str
    occurred_at: datetime
    read_model_positions: tuple[str, ...] = ()
    """Where the read models the decision read stood (``topic:partition:offset``): stamped by the handler."""


@dataclass(frozen=True)
class SessionStockDispensed:
    session_id: str
    from_location_id: str
    to_site_id: str
    lines: tuple[StockLine, ...]
    dispensed_at: datetime
    read_model_positions: tuple[str, ...] = ()
    """Where the read models the decision read stood (``topic:partition:offset``): stamped by the handler."""

    @property
    def occurred_at(self) -> datetime:
        return self.dispensed_at


@dataclass(frozen=True)
class SessionPlan:
    session_id: str = ""
    site_id: str = ""
    district_health_centre_id: str = ""
    session_date: date | None = None
    presentation_id: str = ""
    capacity_persons: int = 0
    dispensed: int = 0
    dispensed_lots: dict[str, int] = field(default_factory=dict)
    """Doses per lot dispensed from the district store to the site (INV-19's outstanding doses)."""

    @classmethod
    def empty(cls) -> SessionPlan:
        return cls()


def evolve(state: SessionPlan, event: object) -> SessionPlan:
    if isinstance(event, SessionPlanned):
        return SessionPlan(event.session_id, event.site_id, event.district_health_centre_id, event.session_date,
                           event.presentation_id, capacity(event.injection_tables, event.starts_at, event.ends_at))
    if isinstance(event, SessionStockDispensed):
        lots = dict(state.dispensed_lots)
        for line in event.lines:
            lots[line.lot_id] = lots.get(line.lot_id, 0) + line.doses
        return replace(state, dispensed=state.dispensed + sum(line.doses for line in event.lines), dispensed_lots=lots)
    raise TypeError(f"SessionPlan cannot apply {type(event).__name__}")


def capacity(tables: int, starts_at: datetime, ends_at: datetime) -> int:
    hours = (ends_at - starts_at).total_seconds() / 3600
    return int(tables * hours * PERSONS_PER_TABLE_HOUR)


@dataclass(frozen=True)
class Site:
    """A vaccination site as the supply-tree read model sees it."""

    location_id: str
    kind: str
    injection_tables: int
    active_from: date | None
    active_until: date | None
    district_location_id: str


@dataclass(frozen=True)
class PlanSession:
    session_id: str
    site_id: str
    session_date: date
    starts_at: datetime
    ends_at: datetime
    injection_tables: int
    presentation_id: str
    planned_persons: int
    planned_doses: int
    priority_group_codes: tuple[str, ...] = ()
    target_series: str = "PRIMARY"
    target_dose_numbers: tuple[int, ...] = ()


def plan_session(state: SessionPlan, command: PlanSession, site: Site | None, now: datetime,
                 zone: tzinfo = CAMPAIGN_ZONE) -> list:
    """``starts_at`` falls on ``session_date`` in the campaign zone, whatever offset it was written in."""
    if state.session_id:
        raise DuplicateEntity(f"session {command.session_id} already exists", field="session_id")
    if site is None or site.kind != "SITE" or not _active(site, command.session_date):
        raise DomainError(f"{command.site_id} is not a vaccination site active on {command.session_date}",
                          field="site_id", rule="INV-19")
    if not 1 <= command.injection_tables <= site.injection_tables:
        raise DomainError(f"the site has {site.injection_tables} injection tables", field="injection_tables",
                          rule="INV-19")
    starts_on = campaign_date(command.starts_at, zone)
    if starts_on != command.session_date:
        raise DomainError(f"starts_at falls on {starts_on} in the campaign's time zone, not on the session date "
                          f"{command.session_date}", field="starts_at", rule="INV-19")
    if command.ends_at <= command.starts_at:
        raise DomainError("a session ends after it starts", field="ends_at", rule="INV-19")
    cap = capacity(command.injection_tables, command.starts_at, command.ends_at)
    if not 0 < command.planned_persons <= cap:
        raise DomainError(f"{command.planned_persons} persons exceed the capacity of {cap} "
                          f"({command.injection_tables} tables x hours x {PERSONS_PER_TABLE_HOUR}/h)",
                          field="planned_persons", rule="INV-19")
    if command.planned_doses < command.planned_persons or command.target_series not in SERIES:
        raise DomainError("planned doses cover the planned persons; series is PRIMARY, ADDITIONAL or BOOSTER",
                          field="planned_doses", rule="INV-19")
    return [SessionPlanned(
        command.session_id, command.site_id, command.session_date, command.starts_at, command.ends_at,
        command.injection_tables, command.presentation_id, command.planned_persons, command.planned_doses,
        command.priority_group_codes, command.target_series, command.target_dose_numbers,
        site.district_location_id, now)]


def _active(site: Site, on: date) -> bool:
    return (site.active_from is None or site.active_from <= on) and (site.active_until is None or on <= site.active_until)


@dataclass(frozen=True)
class DistrictStock:
    """The district store's lots of the session's presentation, with doses not yet promised to sessions."""

    doses_per_vial: int
    lots: tuple[LotStock, ...]
    outstanding: dict[str, int]


def dispense(state: SessionPlan, lines: tuple[StockLine, ...], stock: DistrictStock, now: datetime) -> list:
    if not state.session_id:
        raise NotFound("no such session", field="session_id")
    if not lines:
        raise DomainError("dispense at least one line", field="lines", rule="INV-19")
    per_vial = max(stock.doses_per_vial, 1)
    total = state.dispensed
    for index, line in enumerate(lines):
        where = f"lines.{index}"
        if require_whole_vials(line.doses, per_vial, f"{where}.doses") != line.vials:
            raise DomainError(f"{line.doses} doses are {line.doses // per_vial} vials, not {line.vials}",
                              field=f"{where}.vials", rule="INV-2")
        lot = next((x for x in stock.lots if x.lot_id == line.lot_id), None)
        if lot is None or not lot.usable or lot.presentation_id != state.presentation_id or (
                lot.effective_expiry is not None and lot.effective_expiry < state.session_date):
            raise DomainError(f"lot {line.lot_id} is not usable {state.presentation_id} stock at the district on "
                              f"{state.session_date}", field=f"{where}.lot_id", rule="INV-19")
        same_lot = sum(x.doses for x in lines[:index] if x.lot_id == line.lot_id)
        usable = lot.on_hand - stock.outstanding.get(line.lot_id, 0) - same_lot
        if line.doses > usable:
            raise DomainError(f"{line.doses} doses of {line.lot_id} exceed the district's usable {max(usable, 0)}",
                              field=f"{where}.doses", rule="INV-19")
        total += line.doses
    limit = -(-state.capacity_persons // per_vial) * per_vial
    if total > limit:
        raise DomainError(f"{total} doses dispensed exceed the session's capacity of {state.capacity_persons} "
                          f"persons ({limit} doses in whole vials)", field="lines", rule="INV-19")
    return [SessionStockDispensed(state.session_id, state.district_health_centre_id, state.site_id, lines, now)]
