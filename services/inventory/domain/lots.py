"""Lots: registration against a presentation version, expiry (and its conditional extension), the
state machine RELEASED <-> SUSPENDED -> RECALLED, nationally or within a province or a site, and the lot
review an AEFI classified A2 (vaccine quality defect) asks for.

A lot is *blocked* at a location when its national state, or its state in the location's province or at
the location itself, is SUSPENDED or RECALLED (INV-11). Blocking is a property of the lot, so one event
blocks it at every location at once (the recall fan-out).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, tzinfo

from eventkit.clock import CAMPAIGN_ZONE, campaign_date
from eventkit.errors import DomainError, DuplicateEntity
from services.inventory.domain.reference import STORAGE_CONDITIONS, LocationRegistered, PresentationDefined

RELEASED, SUSPENDED, RECALLED = "RELEASED", "SUSPENDED", "RECALLED"
SCOPES = frozenset({"NATIONAL", "PROVINCE", "SITE"})
FUNDING_SOURCES = frozenset({"COVAX", "PURCHASE", "DONATION"})


def lot_aggregate_id(lot_id: str) -> str:
    return f"lot:{lot_id}"


@dataclass(frozen=True)
class LotRegistered:
    lot_id: str
    lot_number: str
    presentation_id: str
    presentation_version: int
    manufacture_date: date
    label_expiry_date: date
    funding_source: str
    release_certificate_reference: str
    registered_at: datetime

    @property
    def occurred_at(self) -> datetime:
        return self.registered_at


RegisterLot = LotRegistered


@dataclass(frozen=True)
class LotExpiryExtended:
    lot_id: str
    old_expiry_date: date
    new_expiry_date: date
    legal_basis: str
    required_storage_condition: str
    extended_at: datetime
    required_min_celsius: str = ""
    required_max_celsius: str = ""

    @property
    def occurred_at(self) -> datetime:
        return self.extended_at


@dataclass(frozen=True)
class _LotDecision:
    lot_id: str
    scope: str
    scope_id: str
    reason: str
    authority: str
    decision_reference: str
    decided_at: datetime

    @property
    def occurred_at(self) -> datetime:
        return self.decided_at


@dataclass(frozen=True)
class LotSuspended(_LotDecision):
    pass


@dataclass(frozen=True)
class LotReleased(_LotDecision):
    pass


@dataclass(frozen=True)
class LotRecalled(_LotDecision):
    pass


@dataclass(frozen=True)
class ChangeLotStatus:
    """Suspend, release or recall (``action``) a lot within a scope."""

    action: str  # suspend | release | recall
    lot_id: str
    scope: str
    scope_id: str
    reason: str
    authority: str
    decision_reference: str
    decided_at: datetime


@dataclass(frozen=True)
class ExtendLotExpiry:
    lot_id: str
    new_expiry_date: date
    legal_basis: str
    required_storage_condition: str
    extended_at: datetime
    required_min_celsius: str = ""
    required_max_celsius: str = ""


@dataclass(frozen=True)
class Lot:
    registered: LotRegistered | None = None
    extension: LotExpiryExtended | None = None
    statuses: dict[tuple[str, str], str] = field(default_factory=dict)
    """(scope, scope_id) -> current state; absent means RELEASED."""
    decisions: tuple[tuple[tuple[str, str], str, datetime], ...] = ()
    """Every decision as ((scope, scope_id), state, decided_at), to tell the state at a past time."""

    @classmethod
    def empty(cls) -> Lot:
        return cls()

    @property
    def exists(self) -> bool:
        return self.registered is not None

    def status(self, scope: str = "NATIONAL", scope_id: str = "") -> str:
        return self.statuses.get((scope, scope_id), RELEASED)

    def status_at(self, key: tuple[str, str], at: datetime) -> str:
        """The state in one scope as decided up to ``at`` (business time)."""
        decided = [(when, state) for scope, state, when in self.decisions if scope == key and when <= at]
        return max(decided, key=lambda d: d[0])[1] if decided else RELEASED

    def blocked_at(self, location: LocationRegistered, at: datetime | None = None) -> str | None:
        """The blocking state (SUSPENDED / RECALLED) that applies at ``location`` now (or at ``at``), or None."""
        for key in (("NATIONAL", ""), ("PROVINCE", location.province_code), ("SITE", location.location_id)):
            state = self.statuses.get(key, RELEASED) if at is None else self.status_at(key, at)
            if state != RELEASED:
                return state
        return None

    def expiry(self, *, extension_applies: bool = True) -> date:
        """Label expiry, or the extended one when the stock meets the extension's condition (INV-36)."""
        assert self.registered is not None
        if self.extension is not None and extension_applies:
            return self.extension.new_expiry_date
        return self.registered.label_expiry_date


_TRANSITIONS = {LotSuspended: SUSPENDED, LotReleased: RELEASED, LotRecalled: RECALLED}


def evolve_lot(state: Lot, event: object) -> Lot:
    if isinstance(event, LotRegistered):
        return replace(state, registered=event)
    if isinstance(event, LotExpiryExtended):
        return replace(state, extension=event)
    if type(event) in _TRANSITIONS:
        key, new = (event.scope, event.scope_id), _TRANSITIONS[type(event)]
        return replace(state, statuses={**state.statuses, key: new},
                       decisions=(*state.decisions, (key, new, event.decided_at)))
    raise TypeError(f"Lot cannot apply {type(event).__name__}")


def register_lot(state: Lot, command: RegisterLot, presentation: PresentationDefined | None, *,
                 today: date) -> list:
    """``today`` is the campaign date of now (:func:`eventkit.clock.campaign_date`)."""
    if state.registered is not None:
        if replace(command, registered_at=state.registered.registered_at) == state.registered:
            return []
        raise DuplicateEntity(f"lot {command.lot_id} is already registered with other details", field="lot_id",
                              rule="reference-immutable")
    if presentation is None:
        raise DomainError(f"{command.presentation_id} has no version {command.presentation_version}",
                          field="presentation_version", rule="INV-6")
    if command.funding_source not in FUNDING_SOURCES:
        raise DomainError(f"funding_source must be one of {sorted(FUNDING_SOURCES)}", field="funding_source",
                          rule="INV-3")
    if command.manufacture_date > today:
        raise DomainError("a lot cannot be made in the future", field="manufacture_date", rule="INV-8")
    if command.label_expiry_date <= command.manufacture_date:
        raise DomainError("label expiry must be after the manufacture date", field="label_expiry_date",
                          rule="INV-8")
    return [command]


def check_lot_time(state: Lot, at: datetime, field_name: str, *, now: datetime, zone: tzinfo) -> None:
    """INV-8: a time in a lot's history is not in the future nor before the lot was made (campaign day)."""
    assert state.registered is not None
    if at > now:
        raise DomainError(f"{field_name} is in the future", field=field_name, rule="INV-8")
    if campaign_date(at, zone) < state.registered.manufacture_date:
        raise DomainError(f"lot {state.registered.lot_id} was made on {state.registered.manufacture_date}",
                          field=field_name, rule="INV-8")


def check_decision_time(state: Lot, command: ChangeLotStatus, *, now: datetime, zone: tzinfo) -> None:
    """INV-8: :func:`check_lot_time`, and not before the latest decision in the same scope (the state at a
    past time would change behind the books)."""
    check_lot_time(state, command.decided_at, "decided_at", now=now, zone=zone)
    key = (command.scope, command.scope_id)
    latest = max((when for scope, _, when in state.decisions if scope == key), default=None)
    if latest is not None and command.decided_at < latest:
        raise DomainError(f"the latest decision in this scope is dated {latest.isoformat()}", field="decided_at",
                          rule="INV-8")


_ALLOWED = {  # action -> (states it may start from, event)
    "suspend": ({RELEASED}, LotSuspended),
    "release": ({SUSPENDED}, LotReleased),
    "recall": ({RELEASED, SUSPENDED}, LotRecalled),
}


def change_lot_status(state: Lot, command: ChangeLotStatus, *, now: datetime, zone: tzinfo = CAMPAIGN_ZONE) -> list:
    """RELEASED <-> SUSPENDED -> RECALLED (terminal), per scope; ``decided_at`` lies within the lot's history."""
    if not state.exists:
        raise DomainError(f"lot {command.lot_id} is not registered", field="lot_id", rule="INV-6")
    check_decision_time(state, command, now=now, zone=zone)
    if command.scope not in SCOPES:
        raise DomainError(f"scope must be one of {sorted(SCOPES)}", field="scope", rule="INV-11")
    if (command.scope == "NATIONAL") != (command.scope_id == ""):
        raise DomainError("scope_id names the province or site; empty for NATIONAL", field="scope_id",
                          rule="INV-11")
    sources, event_type = _ALLOWED[command.action]
    current = state.status(command.scope, command.scope_id)
    if current not in sources:
        raise DomainError(f"cannot {command.action} a lot that is {current} in this scope "
                          "(RELEASED <-> SUSPENDED -> RECALLED)", field="lot_id", rule="INV-11")
    if not command.reason:
        raise DomainError("a lot decision needs a reason", field="reason", rule="INV-11")
    return [event_type(command.lot_id, command.scope, command.scope_id, command.reason, command.authority,
                       command.decision_reference, command.decided_at)]


REVIEW_AUTHORITY = "AEFI-LOT-REVIEW"
"""The authority of a national suspension opened by an A2 classification (the decision that ends it is a person's)."""


def review_reference(aefi_id: str) -> str:
    """The decision reference of a lot review: it names the AEFI case that asked for it."""
    return f"AEFI:{aefi_id}"


@dataclass(frozen=True)
class OpenLotReview:
    """Immunization classified AEFI ``aefi_id`` (``causality`` A2, a vaccine quality defect) and asked for a review
    of the lot: inventory suspends it nationally until a release or a recall decides it."""

    lot_id: str
    aefi_id: str
    causality: str


def open_lot_review(state: Lot, command: OpenLotReview, *, now: datetime) -> list:
    """A national ``LotSuspended`` naming the AEFI (``decision_reference`` ``AEFI:<id>``), effective ``now`` (when
    inventory learns of the request: back-dating it to the classification would turn consumption already booked
    into after-the-fact INV-11 flags), if the lot is RELEASED nationally. Nothing when it is already SUSPENDED or
    RECALLED there (the standing decision already blocks it everywhere, and is ended the same way) or when
    inventory does not know the lot (nothing to block)."""
    if not state.exists or state.status() != RELEASED:
        return []
    latest = max((when for scope, _, when in state.decisions if scope == ("NATIONAL", "")), default=now)
    return [LotSuspended(command.lot_id, "NATIONAL", "",
                         f"lot review: AEFI {command.aefi_id} classified {command.causality} (vaccine quality defect)",
                         REVIEW_AUTHORITY, review_reference(command.aefi_id), max(latest, now))]


def extend_lot_expiry(state: Lot, command: ExtendLotExpiry, *, now: datetime, zone: tzinfo = CAMPAIGN_ZONE) -> list:
    """A regulator's conditional extension; only stock stored as required qualifies (INV-36)."""
    if not state.exists:
        raise DomainError(f"lot {command.lot_id} is not registered", field="lot_id", rule="INV-6")
    check_lot_time(state, command.extended_at, "extended_at", now=now, zone=zone)
    if state.status() == RECALLED:
        raise DomainError("a recalled lot is not extended", field="lot_id", rule="INV-11")
    old = state.expiry()
    if command.new_expiry_date <= old:
        raise DomainError(f"the new expiry must be after the current one ({old})", field="new_expiry_date",
                          rule="INV-10")
    if command.required_storage_condition not in STORAGE_CONDITIONS:
        raise DomainError(f"required_storage_condition must be one of {sorted(STORAGE_CONDITIONS)}",
                          field="required_storage_condition", rule="INV-36")
    if not command.legal_basis:
        raise DomainError("an extension needs its legal basis", field="legal_basis", rule="INV-36")
    return [LotExpiryExtended(command.lot_id, old, command.new_expiry_date, command.legal_basis,
                              command.required_storage_condition, command.extended_at,
                              command.required_min_celsius, command.required_max_celsius)]
