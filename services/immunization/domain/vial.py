"""The vial aggregate (id = vial_opening_id): one opened multi-dose vial, from its opening to its discard.

Each vial is its own stream (VialOpened, VialDoseDrawn ..., VialDiscarded), so the open-vial rules are
checked against that vial alone: the budget (INV-25: at most doses per vial + the allowed extra) and the
time window (INV-26: every dose before the discard time). Doses at different tables draw from different
vials and never meet; two doses from one vial meet on its stream, and only the last dose of a vial is a
conflict the loser cannot win. The session's vial register (:mod:`.session`) lists the vials so closing
the session can discard every one still open (INV-27).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta, tzinfo

from eventkit.clock import CAMPAIGN_ZONE, end_of_day
from eventkit.errors import DomainError

from .events import VialDiscarded, VialDoseDrawn, VialOpened
from .reference import Lot, Presentation, SessionPlan

DISCARD_REASONS = frozenset({"EMPTY", "WINDOW_ELAPSED", "SESSION_CLOSED", "CONTAMINATED", "BROKEN"})


@dataclass(frozen=True)
class Vial:
    vial_opening_id: str = ""
    session_id: str = ""
    site_id: str = ""
    lot_id: str = ""
    presentation_id: str = ""
    doses_in_vial: int = 0
    opened_at: datetime | None = None
    discard_at: datetime | None = None
    drawn: int = 0
    discarded: bool = False

    @classmethod
    def empty(cls) -> Vial:
        return cls()

    @property
    def is_open(self) -> bool:
        return bool(self.vial_opening_id) and not self.discarded


def evolve(state: Vial, event: object) -> Vial:
    if isinstance(event, VialOpened):
        return Vial(event.vial_opening_id, event.session_id, event.site_id, event.lot_id, event.presentation_id,
                    event.doses_in_vial, event.opened_at, event.discard_at)
    if isinstance(event, VialDoseDrawn):
        return replace(state, drawn=state.drawn + 1)
    if isinstance(event, VialDiscarded):
        return replace(state, discarded=True)
    raise TypeError(f"Vial cannot apply {type(event).__name__}")


@dataclass(frozen=True)
class OpenVial:
    session_id: str
    vial_opening_id: str
    lot_id: str
    opened_at: datetime
    read_model_positions: tuple[str, ...] = ()
    device_site: str = ""  # the site of the offline device that recorded it ("" online)


@dataclass(frozen=True)
class DiscardVial:
    session_id: str
    vial_opening_id: str
    discarded_at: datetime
    reason: str
    residual_doses: int | None = None
    device_site: str = ""


def not_future(moment: datetime, now: datetime, field_name: str) -> None:
    if moment > now + timedelta(minutes=5):
        raise DomainError(f"{field_name} is in the future", field=field_name, rule="INV-8")


def lot_usable(lot: Lot | None, on: datetime, field_name: str = "lot_id", zone: tzinfo = CAMPAIGN_ZONE) -> Lot:
    """The lot is known, released here (INV-11), not past its effective expiry (INV-10), held here (INV-28)."""
    if lot is None:
        raise DomainError("unknown lot", field=field_name, rule="INV-28")
    if lot.status != "RELEASED":
        raise DomainError(f"lot {lot.lot_number} is {lot.status.lower()} for this site", field=field_name,
                          rule="INV-11")
    if on >= end_of_day(lot.effective_expiry, zone):
        raise DomainError(f"lot {lot.lot_number} expired on {lot.effective_expiry}", field=field_name,
                          rule="INV-10")
    if not lot.held_at_site:
        raise DomainError(f"this site holds no stock of lot {lot.lot_number}", field=field_name, rule="INV-28")
    return lot


def quarantined(lot: Lot, on: datetime) -> None:
    """INV-13: no vial is opened from stock in a storage unit with an excursion not yet assessed (one that had
    started by the opening; a start not recorded counts as started)."""
    for excursion_id, started_at in lot.open_excursions:
        if started_at is None or started_at <= on:
            raise DomainError(f"lot {lot.lot_number} is quarantined here until excursion {excursion_id} is assessed",
                              field="lot_id", rule="INV-13")


def open_vial(state: Vial, session_status: str, site_id: str, command: OpenVial, lot: Lot | None,
              presentation: Presentation | None, plan: SessionPlan, *, now: datetime,
              zone: tzinfo = CAMPAIGN_ZONE) -> list:
    """``state``: the vial's stream (empty unless the id was used); ``session_status`` as the session's stream
    says (a vial opening is decided against it, so it cannot slip past the close)."""
    if session_status != "OPEN":
        raise DomainError("vials are opened only in an open session", field="session_id", rule="INV-26")
    if state.vial_opening_id:
        raise DomainError("this vial opening is already recorded", field="vial_opening_id", rule="INV-25")
    not_future(command.opened_at, now, "opened_at")
    lot_usable(lot, command.opened_at, zone=zone)
    quarantined(lot, command.opened_at)
    if presentation is None:
        raise DomainError("the lot's presentation is unknown here", field="lot_id", rule="INV-28")
    discard_at = min(command.opened_at + timedelta(hours=presentation.open_vial_window_hours or 6), plan.ends_at,
                     end_of_day(lot.effective_expiry, zone))
    if discard_at <= command.opened_at:
        raise DomainError("the vial would have to be discarded at once (session over or lot expired)",
                          field="opened_at", rule="INV-26")
    return [VialOpened(command.vial_opening_id, site_id, command.session_id, lot.lot_id,
                       presentation.doses_per_vial, command.opened_at, discard_at, presentation.presentation_id,
                       presentation.version, command.read_model_positions)]


def discard(vial: Vial, at: datetime, reason: str) -> VialDiscarded:
    residual = max(0, vial.doses_in_vial - vial.drawn)
    return VialDiscarded(vial.vial_opening_id, at, vial.drawn, residual, reason, vial.site_id, vial.lot_id,
                         vial.session_id)


def discard_vial(state: Vial, command: DiscardVial, *, now: datetime) -> list:
    if not state.is_open or state.session_id != command.session_id:
        raise DomainError("no such open vial in this session", field="vial_opening_id", rule="INV-27")
    if command.reason not in DISCARD_REASONS:
        raise DomainError(f"reason must be one of {sorted(DISCARD_REASONS)}", field="reason", rule="INV-27")
    not_future(command.discarded_at, now, "discarded_at")
    if command.discarded_at < state.opened_at:
        raise DomainError("a vial cannot be discarded before it was opened", field="discarded_at", rule="INV-27")
    event = discard(state, command.discarded_at, command.reason)
    if command.residual_doses is not None and command.residual_doses != event.residual_doses:
        raise DomainError(f"residual doses must be doses in vial - doses drawn = {event.residual_doses}",
                          field="residual_doses", rule="INV-27")
    return [event]
