"""The session aggregate (id = session_id): open / close, and the multi-dose vials opened in it.

Vials live on the session because both open-vial rules are about the session's moment: the budget
(INV-25) and the time window (INV-26) are checked against one stream, and closing (INV-27) sees every
vial still open. Each dose drawn is a ``VialDoseDrawn`` on this stream (the dose itself is on the
person's record).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from eventkit.errors import DomainError

from .events import SessionClosed, SessionOpened, StaffMember, VialDiscarded, VialDoseDrawn, VialOpened
from .reference import Lot, Presentation, SessionPlan, end_of_local_day

DISCARD_REASONS = frozenset({"EMPTY", "WINDOW_ELAPSED", "SESSION_CLOSED", "CONTAMINATED", "BROKEN"})


@dataclass(frozen=True)
class Vial:
    vial_opening_id: str
    lot_id: str
    presentation_id: str
    doses_in_vial: int
    opened_at: datetime
    discard_at: datetime
    drawn: int = 0
    discarded: bool = False


@dataclass(frozen=True)
class Session:
    session_id: str = ""
    site_id: str = ""
    status: str = "PLANNED"  # PLANNED | OPEN | CLOSED
    opened_at: datetime | None = None
    staff: tuple[StaffMember, ...] = ()
    vials: dict[str, Vial] = field(default_factory=dict)

    @classmethod
    def empty(cls) -> Session:
        return cls()

    def open_vials(self) -> list[Vial]:
        return [v for v in self.vials.values() if not v.discarded]


def evolve(state: Session, event: object) -> Session:
    if isinstance(event, SessionOpened):
        return replace(state, session_id=event.session_id, site_id=event.site_id, status="OPEN",
                       opened_at=event.opened_at, staff=event.staff)
    if isinstance(event, SessionClosed):
        return replace(state, status="CLOSED")
    if isinstance(event, VialOpened):
        vial = Vial(event.vial_opening_id, event.lot_id, event.presentation_id, event.doses_in_vial,
                    event.opened_at, event.discard_at)
        return replace(state, vials={**state.vials, vial.vial_opening_id: vial})
    if isinstance(event, VialDoseDrawn):
        vial = state.vials[event.vial_opening_id]
        return replace(state, vials={**state.vials, vial.vial_opening_id: replace(vial, drawn=vial.drawn + 1)})
    if isinstance(event, VialDiscarded):
        vial = state.vials[event.vial_opening_id]
        return replace(state, vials={**state.vials, vial.vial_opening_id: replace(vial, discarded=True)})
    raise TypeError(f"Session cannot apply {type(event).__name__}")


@dataclass(frozen=True)
class OpenSession:
    session_id: str
    opened_at: datetime
    staff: tuple[StaffMember, ...] = ()


@dataclass(frozen=True)
class CloseSession:
    session_id: str
    closed_at: datetime
    discard_open_vials: bool = False


@dataclass(frozen=True)
class OpenVial:
    vial_opening_id: str
    lot_id: str
    opened_at: datetime
    read_model_positions: tuple[str, ...] = ()


@dataclass(frozen=True)
class DiscardVial:
    vial_opening_id: str
    discarded_at: datetime
    reason: str
    residual_doses: int | None = None


def _not_future(moment: datetime, now: datetime, field_name: str) -> None:
    if moment > now + timedelta(minutes=5):
        raise DomainError(f"{field_name} is in the future", field=field_name, rule="INV-8")


def open_session(state: Session, command: OpenSession, plan: SessionPlan | None, *, now: datetime) -> list:
    if plan is None:
        raise DomainError(f"session {command.session_id} was never planned", field="session_id", rule="session-planned")
    if state.status != "PLANNED":
        raise DomainError(f"session is already {state.status.lower()}", field="session_id", rule="session-state")
    _not_future(command.opened_at, now, "opened_at")
    if command.opened_at >= plan.ends_at:
        raise DomainError("a session cannot open after its planned end", field="opened_at", rule="session-state")
    return [SessionOpened(command.session_id, plan.site_id, command.staff, command.opened_at)]


def discard(vial: Vial, state: Session, at: datetime, reason: str) -> VialDiscarded:
    residual = max(0, vial.doses_in_vial - vial.drawn)
    return VialDiscarded(vial.vial_opening_id, at, vial.drawn, residual, reason, state.site_id, vial.lot_id,
                         state.session_id)


def close_session(state: Session, command: CloseSession, *, now: datetime) -> list:
    if state.status != "OPEN":
        raise DomainError(f"only an open session can close (it is {state.status.lower()})", field="session_id",
                          rule="session-state")
    _not_future(command.closed_at, now, "closed_at")
    still_open = state.open_vials()
    if still_open and not command.discard_open_vials:
        names = ", ".join(v.vial_opening_id for v in still_open)
        raise DomainError(f"discard every open vial before closing (open: {names}), or close with "
                          "discard_open_vials", field="discard_open_vials", rule="INV-27")
    discards = [discard(v, state, command.closed_at, "SESSION_CLOSED") for v in still_open]
    return [*discards, SessionClosed(state.session_id, state.site_id, state.staff, command.closed_at)]


def lot_usable(lot: Lot | None, on: datetime, field_name: str = "lot_id") -> Lot:
    """The lot is known, released here (INV-11), not past its effective expiry (INV-10), held here (INV-28)."""
    if lot is None:
        raise DomainError("unknown lot", field=field_name, rule="INV-28")
    if lot.status != "RELEASED":
        raise DomainError(f"lot {lot.lot_number} is {lot.status.lower()} for this site", field=field_name,
                          rule="INV-11")
    if on >= end_of_local_day(lot.effective_expiry):
        raise DomainError(f"lot {lot.lot_number} expired on {lot.effective_expiry}", field=field_name,
                          rule="INV-10")
    if not lot.held_at_site:
        raise DomainError(f"this site holds no stock of lot {lot.lot_number}", field=field_name, rule="INV-28")
    return lot


def open_vial(state: Session, command: OpenVial, lot: Lot | None, presentation: Presentation | None,
              plan: SessionPlan, *, now: datetime) -> list:
    if state.status != "OPEN":
        raise DomainError("vials are opened only in an open session", field="session_id", rule="INV-26")
    if command.vial_opening_id in state.vials:
        raise DomainError("this vial opening is already recorded", field="vial_opening_id", rule="INV-25")
    _not_future(command.opened_at, now, "opened_at")
    lot_usable(lot, command.opened_at)
    if presentation is None:
        raise DomainError("the lot's presentation is unknown here", field="lot_id", rule="INV-28")
    discard_at = min(command.opened_at + timedelta(hours=presentation.open_vial_window_hours or 6), plan.ends_at,
                     end_of_local_day(lot.effective_expiry))
    if discard_at <= command.opened_at:
        raise DomainError("the vial would have to be discarded at once (session over or lot expired)",
                          field="opened_at", rule="INV-26")
    return [VialOpened(command.vial_opening_id, state.site_id, state.session_id, lot.lot_id,
                       presentation.doses_per_vial, command.opened_at, discard_at, presentation.presentation_id,
                       presentation.version, command.read_model_positions)]


def discard_vial(state: Session, command: DiscardVial, *, now: datetime) -> list:
    vial = state.vials.get(command.vial_opening_id)
    if vial is None or vial.discarded:
        raise DomainError("no such open vial in this session", field="vial_opening_id", rule="INV-27")
    if command.reason not in DISCARD_REASONS:
        raise DomainError(f"reason must be one of {sorted(DISCARD_REASONS)}", field="reason", rule="INV-27")
    _not_future(command.discarded_at, now, "discarded_at")
    if command.discarded_at < vial.opened_at:
        raise DomainError("a vial cannot be discarded before it was opened", field="discarded_at", rule="INV-27")
    event = discard(vial, state, command.discarded_at, command.reason)
    if command.residual_doses is not None and command.residual_doses != event.residual_doses:
        raise DomainError(f"residual doses must be doses in vial - doses drawn = {event.residual_doses}",
                          field="residual_doses", rule="INV-27")
    return [event]
