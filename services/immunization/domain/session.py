"""The session aggregate (id = session_id) and the session's vial register (id = ``<session_id>/vials``).

A session day is carried by three kinds of stream, so that decisions taken at the same time at six
injection tables meet only where the domain makes them meet (docs/architecture.md, "Which decision guards
which stream"):

- the **session** (SessionOpened, SessionClosed): its lifecycle only. Check-ins, vial openings and doses are
  decided against it (the session must be open), and it moves twice a day, so the one conflict it causes is
  the real one: a decision racing the close.
- the **vial register** (VialRegistered, one per vial opened, appended with the vial's VialOpened): closing
  reads it to discard every vial still open (INV-27). Only vial openings of the same session (which
  commute and are re-decided) and the close meet on it.
- each **vial** (:mod:`.vial`): its opening, the doses drawn, its discard (INV-25, INV-26).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from eventkit.errors import DomainError

from .events import SessionClosed, SessionOpened, StaffMember, VialRegistered
from .reference import SessionPlan
from .vial import Vial, discard, not_future


@dataclass(frozen=True)
class Session:
    session_id: str = ""
    site_id: str = ""
    status: str = "PLANNED"  # PLANNED | OPEN | CLOSED
    opened_at: datetime | None = None
    staff: tuple[StaffMember, ...] = ()

    @classmethod
    def empty(cls) -> Session:
        return cls()


def evolve(state: Session, event: object) -> Session:
    if isinstance(event, SessionOpened):
        return replace(state, session_id=event.session_id, site_id=event.site_id, status="OPEN",
                       opened_at=event.opened_at, staff=event.staff)
    if isinstance(event, SessionClosed):
        return replace(state, status="CLOSED")
    raise TypeError(f"Session cannot apply {type(event).__name__}")


@dataclass(frozen=True)
class VialRegister:
    """The vials opened in a session, in the order they were opened."""

    vial_ids: tuple[str, ...] = ()

    @classmethod
    def empty(cls) -> VialRegister:
        return cls()


def evolve_register(state: VialRegister, event: object) -> VialRegister:
    if isinstance(event, VialRegistered):
        return VialRegister((*state.vial_ids, event.vial_opening_id))
    raise TypeError(f"VialRegister cannot apply {type(event).__name__}")


def register_id(session_id: str) -> str:
    """The register's stream id: a ``/`` no client-chosen id can contain, so it never names another stream."""
    return f"{session_id}/vials"


def register(opened: Sequence[object]) -> list[VialRegistered]:
    """The register's entry for a VialOpened just decided."""
    return [VialRegistered(e.session_id, e.vial_opening_id, e.site_id, e.opened_at) for e in opened]


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


def open_session(state: Session, command: OpenSession, plan: SessionPlan | None, *, now: datetime) -> list:
    if plan is None:
        raise DomainError(f"session {command.session_id} was never planned", field="session_id", rule="session-planned")
    if state.status != "PLANNED":
        raise DomainError(f"session is already {state.status.lower()}", field="session_id", rule="session-state")
    not_future(command.opened_at, now, "opened_at")
    if command.opened_at >= plan.ends_at:
        raise DomainError("a session cannot open after its planned end", field="opened_at", rule="session-state")
    return [SessionOpened(command.session_id, plan.site_id, command.staff, command.opened_at)]


def close_session(state: Session, vials: Sequence[Vial], command: CloseSession, *, now: datetime) -> list:
    """``vials``: every vial of the session's register. Returns the discards (each for its vial's stream)
    followed by SessionClosed."""
    if state.status != "OPEN":
        raise DomainError(f"only an open session can close (it is {state.status.lower()})", field="session_id",
                          rule="session-state")
    not_future(command.closed_at, now, "closed_at")
    still_open = [v for v in vials if v.is_open]
    if still_open and not command.discard_open_vials:
        names = ", ".join(v.vial_opening_id for v in still_open)
        raise DomainError(f"discard every open vial before closing (open: {names}), or close with "
                          "discard_open_vials", field="discard_open_vials", rule="INV-27")
    discards = [discard(v, command.closed_at, "SESSION_CLOSED") for v in still_open]
    return [*discards, SessionClosed(state.session_id, state.site_id, state.staff, command.closed_at)]
