"""Immunization command handlers: plain functions ``handler(tx, command, deps)`` and the one COMMANDS table.

Each handler reads the reference facts it needs (person, site, plan, lot, presentation) from ``deps``, loads
the streams it decides on (each one a version guard), and appends to one or several of them atomically.
Which decision guards which stream (docs/architecture.md, "Which decision guards which stream"):

=================== ============================================== ===========================================
command             streams loaded (guards)                        appends to
=================== ============================================== ===========================================
open / close        session; close: the vial register, its vials   session (close: each open vial's discard)
open a vial         session, the vial register, the vial           the vial (VialOpened), the register
discard a vial      the vial                                       the vial
check-in            the visit, the session                         the visit
screening           the visit, the person's record                 the visit (and the record, INV-20)
dose                the visit, the record, the session, the vial   the record, the vial (VialDoseDrawn)
observation, no-dose the visit, the record                         the visit
=================== ============================================== ===========================================

The session's stream moves twice a day (open, close), so a check-in, an opening or a dose conflicts on it
only with the close. Commands that commute with their neighbours are re-decided on fresh state after a
conflict instead of answering 409: draws from one vial (only its last dose is a conflict the loser cannot
win), vial openings (they meet on the register), screenings (the person's record moves with doses given at
other visits) and the close (doses and discards racing it).
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, tzinfo
from functools import lru_cache, partial
from typing import Protocol

from eventkit.aggregates import AggregateSpec, Reply, Transaction
from eventkit.auth import Forbidden
from eventkit.clock import CAMPAIGN_ZONE, campaign_date
from eventkit.errors import DomainError, NotFound
from eventkit.handling import CommandTable, Handler
from services.immunization.domain import aefi, corrections, dose_gate, record, session, vial, visit
from services.immunization.domain.events import VialDiscarded, VialDoseDrawn
from services.immunization.domain.reference import Lot, PersonRef, Presentation, SessionPlan, Site

SESSION = AggregateSpec("session", session.Session.empty, session.evolve, id_field="session_id")
REGISTER = AggregateSpec("vial_register", session.VialRegister.empty, session.evolve_register, id_field="session_id")
VIAL = AggregateSpec("vial", vial.Vial.empty, vial.evolve, id_field="vial_opening_id")
VISIT = AggregateSpec("visit", visit.Visit.empty, visit.evolve, id_field="visit_id", with_event_id=True)


@lru_cache(maxsize=4)
def record_spec(zone: tzinfo) -> AggregateSpec:
    """A person's dose record whose doses fall on days of ``zone`` (handlers take ``Deps.record``)."""
    return AggregateSpec("dose_record", partial(record.PersonRecord.empty, zone), record.evolve, id_field="person_id",
                         with_event_id=True)


RECORD = record_spec(CAMPAIGN_ZONE)
"""The record in the default zone, for reads that need no day (which site gave a dose)."""
AEFI = AggregateSpec("aefi_case", aefi.AefiCase.empty, aefi.evolve, id_field="aefi_id")

# The reference projections whose positions are recorded on decisions that read them.
REGISTRATION = ("registration_reference", "allocation_reference")
INVENTORY = ("inventory_reference", "allocation_reference")


class Reference(Protocol):
    """The reference facts decisions read (``queries.ReferenceQueries`` over this service's read models)."""

    def plan(self, session_id: str) -> SessionPlan | None: ...
    def site_or_unknown(self, location_id: str) -> Site: ...
    def person(self, person_id: str) -> PersonRef | None: ...
    def lot_at_site(self, lot_id: str, site: Site) -> Lot | None: ...
    def presentation(self, presentation_id: str, version: int) -> Presentation | None: ...
    def positions(self, *projections: str) -> tuple[str, ...]: ...
    def person_from_qr(self, token: str) -> str | None: ...
    def person_from_document(self, kind: str, number: str) -> str | None: ...
    def presence_code(self, person_id: str, session_id: str) -> str: ...
    def qr_token(self, person_id: str) -> str: ...


@dataclass(frozen=True)
class Deps:
    reference: Reference
    clock: Callable[[], datetime]
    zone: tzinfo = CAMPAIGN_ZONE
    """The campaign zone (``CAMPAIGN_TIME_ZONE``): the calendar of every day rule."""

    @property
    def record(self) -> AggregateSpec:
        """The person's dose record, its doses' days in :attr:`zone`."""
        return record_spec(self.zone)


# -- where a command happens ----------------------------------------------------------------------------------
def planned(reference: Reference, session_id: str) -> SessionPlan:
    plan = reference.plan(session_id)
    if plan is None:
        raise NotFound(f"session {session_id} is not planned (or not yet known here)", field="session_id")
    return plan


def known_visit(tx: Transaction, visit_id: str) -> visit.Visit:
    state = tx.load(VISIT, visit_id)
    if not state.visit_id:
        raise NotFound(f"visit {visit_id} is unknown", field="visit_id")
    return state


def on_device_site(reference: Reference, device_site: str, session_id: str) -> None:
    """A command uploaded by a site's device is refused unless its session is at that site. Checked in the
    transaction, after the idempotent replay, so a retried upload is answered from the store."""
    if device_site and planned(reference, session_id).site_id != device_site:
        raise Forbidden("the item's session is not at this site", field="session_id", rule="scope")


def lot_and_presentation(reference: Reference, lot_id: str, site: Site) -> tuple[Lot | None, Presentation | None]:
    lot = reference.lot_at_site(lot_id, site)
    return lot, reference.presentation(lot.presentation_id, lot.presentation_version) if lot else None


# -- sessions and vials -----------------------------------------------------------------------------------------
def open_session(tx: Transaction, c: session.OpenSession, deps: Deps) -> Reply:
    plan = deps.reference.plan(c.session_id)
    state = tx.load(SESSION, c.session_id)
    tx.append(SESSION, c.session_id, session.open_session(state, c, plan, now=deps.clock()))
    return Reply(c.session_id, {"session_id": c.session_id})


def close_session(tx: Transaction, c: session.CloseSession, deps: Deps) -> Reply:
    state = tx.load(SESSION, c.session_id)
    vials = tx.load_many(VIAL, tx.load(REGISTER, session.register_id(c.session_id)).vial_ids)
    decided = session.close_session(state, list(vials.values()), c, now=deps.clock())
    for discarded in decided:
        if isinstance(discarded, VialDiscarded):
            tx.append(VIAL, discarded.vial_opening_id, [discarded])
    tx.append(SESSION, c.session_id, [e for e in decided if not isinstance(e, VialDiscarded)])
    return Reply(c.session_id, {"session_id": c.session_id})


def open_vial(tx: Transaction, c: vial.OpenVial, deps: Deps) -> Reply:
    on_device_site(deps.reference, c.device_site, c.session_id)
    plan = planned(deps.reference, c.session_id)
    lot, presentation = lot_and_presentation(deps.reference, c.lot_id, deps.reference.site_or_unknown(plan.site_id))
    c = replace(c, read_model_positions=deps.reference.positions(*INVENTORY))
    at_session = tx.load(SESSION, c.session_id)
    opened = vial.open_vial(tx.load(VIAL, c.vial_opening_id), at_session.status, at_session.site_id, c, lot,
                            presentation, plan, now=deps.clock(), zone=deps.zone)
    tx.append(VIAL, c.vial_opening_id, opened)
    tx.append(REGISTER, session.register_id(c.session_id), session.register(opened))
    [event] = opened  # one VialOpened: its discard time is the domain's (INV-26), answered as decided
    return Reply(c.vial_opening_id, {"session_id": c.session_id, "vial_opening_id": c.vial_opening_id,
                                     "opened_at": event.opened_at.isoformat(),
                                     "discard_at": event.discard_at.isoformat(),
                                     "doses_in_vial": event.doses_in_vial})


def discard_vial(tx: Transaction, c: vial.DiscardVial, deps: Deps) -> Reply:
    on_device_site(deps.reference, c.device_site, c.session_id)
    state = tx.load(VIAL, c.vial_opening_id)
    tx.append(VIAL, c.vial_opening_id, vial.discard_vial(state, c, now=deps.clock()))
    return Reply(c.vial_opening_id, {"session_id": c.session_id, "vial_opening_id": c.vial_opening_id})


# -- check-in, screening, observation ------------------------------------------------------------------------
def identify(reference: Reference, c: visit.CheckInPerson) -> str:
    """The person a QR token or an identity document names (422 ``identity`` when none does)."""
    if c.identity_method == "QR":
        found = reference.person_from_qr(c.qr_token)
        if found is None:
            raise DomainError("the QR token is not valid", field="qr_token", rule="identity")
        return found
    found = reference.person_from_document(c.document_kind, c.document_number)
    if found is None:
        raise DomainError("no approved registration matches this identity document", field="document_number",
                          rule="identity")
    return found


def check_in(tx: Transaction, c: visit.CheckInPerson, deps: Deps) -> Reply:
    on_device_site(deps.reference, c.device_site, c.session_id)
    person_id = identify(deps.reference, c)
    verified = c.presence_code is not None
    if verified and not hmac.compare_digest(deps.reference.presence_code(person_id, c.session_id),
                                            c.presence_code.strip()):
        raise DomainError("the presence code does not match", field="presence_code", rule="presence")
    decided = visit.CheckIn(c.visit_id, c.session_id, person_id, c.identity_method, c.checked_in_at, verified,
                            c.presence_override_reason, "" if verified else tx.context.actor_id,
                            deps.reference.positions(*REGISTRATION))
    state = tx.load(VISIT, c.visit_id)
    at_session = tx.load(SESSION, c.session_id)
    tx.append(VISIT, c.visit_id, visit.check_in(state, decided, at_session, deps.reference.person(person_id),
                                                now=deps.clock()))
    return Reply(c.visit_id, {"visit_id": c.visit_id, "person_id": person_id})


def screen(tx: Transaction, c: visit.Screen, deps: Deps) -> Reply:
    state = known_visit(tx, c.visit_id)
    on_device_site(deps.reference, c.device_site, state.session_id)
    [outcome] = visit.screen(state, c, now=deps.clock(), zone=deps.zone)
    tx.append(VISIT, c.visit_id, [outcome])
    if state.person_id:
        # INV-20 across visits: a postponement or contraindication also goes on the person's record, in the
        # same append (a dose at another visit reads it there, under the record's version check).
        person = tx.load(deps.record, state.person_id)
        tx.append(deps.record, state.person_id, record.note_screening(person, outcome))
    return Reply(c.visit_id, {
        "visit_id": c.visit_id, "outcome": outcome.outcome, "ruleset_id": outcome.ruleset_id,
        "postponed_until_date": outcome.postponed_until_date.isoformat() if outcome.postponed_until_date else None,
        "postponed_until_condition": outcome.postponed_until_condition,
        "contraindicated_products": list(outcome.contraindicated_products)})


def record_not_administered(tx: Transaction, c: visit.RecordNotAdministered, deps: Deps) -> Reply:
    state = known_visit(tx, c.visit_id)
    on_device_site(deps.reference, c.device_site, state.session_id)
    given = tx.load(deps.record, state.person_id).given_at_visit(c.visit_id)
    tx.append(VISIT, c.visit_id, visit.record_not_administered(state, c, bool(given)))
    return Reply(c.visit_id, {"visit_id": c.visit_id})


def complete_observation(tx: Transaction, c: visit.CompleteObservation, deps: Deps) -> Reply:
    state = known_visit(tx, c.visit_id)
    on_device_site(deps.reference, c.device_site, state.session_id)
    given = tx.load(deps.record, state.person_id).given_at_visit(c.visit_id)
    tx.append(VISIT, c.visit_id, visit.complete_observation(state, c, given, now=deps.clock()))
    return Reply(c.visit_id, {"visit_id": c.visit_id})


# -- doses ------------------------------------------------------------------------------------------------------
def administer_dose(tx: Transaction, c: dose_gate.AdministerDose, deps: Deps) -> Reply:
    at_visit = known_visit(tx, c.visit_id)
    on_device_site(deps.reference, c.device_site, at_visit.session_id)
    site = deps.reference.site_or_unknown(planned(deps.reference, at_visit.session_id).site_id)
    person_id = at_visit.person_id
    c = replace(c, person_id=person_id)
    person_record = replace(tx.load(deps.record, person_id), person_id=person_id)
    at_session = tx.load(SESSION, at_visit.session_id)
    drawn_from = tx.load(VIAL, c.vial_opening_id)
    known = drawn_from if drawn_from.vial_opening_id else None
    lot, presentation = lot_and_presentation(deps.reference, known.lot_id, site) if known else (None, None)
    context = dose_gate.DoseContext(
        at_visit, at_session, site, lot, presentation, deps.reference.person(person_id),
        at_visit.screening_event_id, read_model_positions=deps.reference.positions(*REGISTRATION, *INVENTORY),
        vial=known, zone=deps.zone)
    produced = dose_gate.administer_dose(person_record, c, context, now=deps.clock())
    tx.append(deps.record, person_id, [e for e in produced if not isinstance(e, VialDoseDrawn)])
    tx.append(VIAL, c.vial_opening_id, [e for e in produced if isinstance(e, VialDoseDrawn)])
    return Reply(person_id, {"dose_id": c.dose_id, "person_id": person_id, "visit_id": c.visit_id})


def record_historical_dose(tx: Transaction, c: corrections.RecordHistoricalDose, deps: Deps) -> Reply:
    if deps.reference.person(c.person_id) is None:
        raise NotFound(f"person {c.person_id} is not registered (or not yet known here)", field="person_id")
    person_record = replace(tx.load(deps.record, c.person_id), person_id=c.person_id)
    tx.append(deps.record, c.person_id, corrections.record_historical(person_record, c, today=campaign_date(deps.clock(), deps.zone)))
    return Reply(c.person_id, {"dose_id": c.dose_id, "person_id": c.person_id})


def enter_dose_in_error(tx: Transaction, c: corrections.EnterDoseInError, deps: Deps) -> Reply:
    person_record = replace(tx.load(deps.record, c.person_id), person_id=c.person_id)
    tx.append(deps.record, c.person_id, corrections.enter_in_error(person_record, c.dose_id, c.reverses_event_id,
                                                              c.reason, at=deps.clock()))
    return Reply(c.person_id, {"dose_id": c.dose_id, "person_id": c.person_id})


def correct_dose(tx: Transaction, c: corrections.CorrectDose, deps: Deps) -> Reply:
    person_record = replace(tx.load(deps.record, c.person_id), person_id=c.person_id)
    tx.append(deps.record, c.person_id, corrections.correct_dose(person_record, c.dose_id, c.reverses_event_id,
                                                            c.changes, c.reason, at=deps.clock()))
    return Reply(c.person_id, {"dose_id": c.dose_id, "person_id": c.person_id})


# -- AEFI -------------------------------------------------------------------------------------------------------
def report_aefi(tx: Transaction, c: aefi.ReportAefi, deps: Deps) -> Reply:
    case = tx.load(AEFI, c.aefi_id)
    tx.append(AEFI, c.aefi_id, aefi.report(case, c, tx.load(deps.record, c.person_id), now=deps.clock(),
                                                 zone=deps.zone))
    return Reply(c.aefi_id, {"aefi_id": c.aefi_id})


def open_investigation(tx: Transaction, c: aefi.OpenInvestigation, deps: Deps) -> Reply:
    case = tx.load(AEFI, c.aefi_id)
    tx.append(AEFI, c.aefi_id, aefi.open_investigation(case, c.level, tx.context.actor_id, at=deps.clock()))
    return Reply(c.aefi_id, {"aefi_id": c.aefi_id})


def classify_aefi(tx: Transaction, c: aefi.ClassifyAefi, deps: Deps) -> Reply:
    case = tx.load(AEFI, c.aefi_id)
    tx.append(AEFI, c.aefi_id, aefi.classify(case, c.level, c.causality, c.rationale, tx.context.actor_id,
                                             at=deps.clock()))
    return Reply(c.aefi_id, {"aefi_id": c.aefi_id})


CONTENDED = 8
"""Retries of a command that commutes with the session's other tables (each re-decided on fresh state): six
tables writing at once on a loaded machine lost a vial opening's race four times in a row."""

COMMANDS: CommandTable = {
    session.OpenSession: open_session,
    session.CloseSession: Handler(close_session, retries=CONTENDED),
    vial.OpenVial: Handler(open_vial, retries=CONTENDED),
    vial.DiscardVial: Handler(discard_vial, retries=CONTENDED),
    visit.CheckInPerson: check_in,
    visit.Screen: Handler(screen, retries=CONTENDED),
    visit.RecordNotAdministered: record_not_administered,
    visit.CompleteObservation: complete_observation,
    dose_gate.AdministerDose: Handler(administer_dose, retries=CONTENDED),
    corrections.RecordHistoricalDose: record_historical_dose,
    corrections.EnterDoseInError: enter_dose_in_error,
    corrections.CorrectDose: correct_dose,
    aefi.ReportAefi: report_aefi,
    aefi.OpenInvestigation: open_investigation,
    aefi.ClassifyAefi: classify_aefi,
}
