"""One method per command: resolve reference facts, load the streams, decide, append."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from eventkit.envelope import CommandContext
from eventkit.errors import DomainError, NotFound
from eventkit.store.base import AppendResult
from services.immunization.domain import aefi, corrections, dose_gate, record, session, visit
from services.immunization.domain.events import FieldChange, VialDoseDrawn
from services.immunization.domain.reference import Site, local_date
from services.immunization.handlers.store import AEFI, RECORD, SESSION, VISIT, Loaded, Streams
from services.immunization.queries import ReferenceQueries

# The reference projections whose positions are recorded on decisions that read them.
REGISTRATION = ("registration_reference", "allocation_reference")
INVENTORY = ("inventory_reference", "allocation_reference")


def respond(**ids: str):
    def build(events) -> dict:
        return {**ids, "event_ids": [str(e.event_id) for e in events]}
    return build


class ImmunizationHandlers:
    def __init__(self, streams: Streams, reference: ReferenceQueries, clock: Callable[[], datetime]) -> None:
        self.streams = streams
        self.reference = reference
        self._clock = clock

    # -- where a command happens (for scope checks) ------------------------------------------------------
    def session_site(self, session_id: str) -> Site:
        plan = self.reference.plan(session_id)
        if plan is None:
            raise NotFound(f"session {session_id} is not planned (or not yet known here)", field="session_id")
        return self.reference.site_or_unknown(plan.site_id)

    def visit_state(self, visit_id: str) -> visit.Visit:
        state = self.streams.load(VISIT, visit_id).state
        if not state.visit_id:
            raise NotFound(f"visit {visit_id} is unknown", field="visit_id")
        return state

    def visit_site(self, visit_id: str) -> Site:
        return self.session_site(self.visit_state(visit_id).session_id)

    # -- sessions and vials ------------------------------------------------------------------------------
    def open_session(self, command: session.OpenSession, context: CommandContext, request_hash: str) -> AppendResult:
        plan = self.reference.plan(command.session_id)
        return self.streams.execute_one(
            SESSION, command.session_id, lambda s: session.open_session(s.state, command, plan, now=self._clock()),
            context, request_hash=request_hash, respond=respond(session_id=command.session_id))

    def close_session(self, command: session.CloseSession, context: CommandContext, request_hash: str) -> AppendResult:
        return self.streams.execute_one(
            SESSION, command.session_id, lambda s: session.close_session(s.state, command, now=self._clock()),
            context, request_hash=request_hash, respond=respond(session_id=command.session_id))

    def open_vial(self, session_id: str, command: session.OpenVial, context: CommandContext,
                  request_hash: str) -> AppendResult:
        plan = self.reference.plan(session_id)
        if plan is None:
            raise NotFound(f"session {session_id} is not planned", field="session_id")
        site = self.reference.site_or_unknown(plan.site_id)
        positions = self.reference.positions(*INVENTORY)
        lot = self.reference.lot_at_site(command.lot_id, site)
        presentation = self.reference.presentation(lot.presentation_id, lot.presentation_version) if lot else None
        command = replace(command, read_model_positions=positions)
        return self.streams.execute(
            lambda: [self.streams.load(SESSION, session_id)],
            lambda loaded: {session_id: session.open_vial(loaded[0].state, command, lot, presentation, plan,
                                                          now=self._clock())},
            context, request_hash=request_hash, retries=3,
            respond=respond(session_id=session_id, vial_opening_id=command.vial_opening_id))

    def discard_vial(self, session_id: str, command: session.DiscardVial, context: CommandContext,
                     request_hash: str) -> AppendResult:
        return self.streams.execute(
            lambda: [self.streams.load(SESSION, session_id)],
            lambda loaded: {session_id: session.discard_vial(loaded[0].state, command, now=self._clock())},
            context, request_hash=request_hash, retries=3,
            respond=respond(session_id=session_id, vial_opening_id=command.vial_opening_id))

    # -- check-in, screening, observation ------------------------------------------------------------------
    def resolve_person(self, method: str, person_id: str | None, qr_token: str | None, document_kind: str | None,
                       document_number: str | None) -> str:
        if method == "QR":
            found = self.reference.person_from_qr(qr_token or "")
            if found is None or (person_id and person_id != found):
                raise DomainError("the QR token is not valid", field="qr_token", rule="identity")
            return found
        found = self.reference.person_from_document(document_kind or "", document_number or "")
        if found is None or (person_id and person_id != found):
            raise DomainError("no approved registration matches this identity document", field="document_number",
                              rule="identity")
        return found

    def check_in(self, command: visit.CheckIn, presence_code: str | None, context: CommandContext,
                 request_hash: str) -> AppendResult:
        if presence_code is not None:
            expected = self.reference.presence_code(command.person_id, command.session_id)
            if not hmac.compare_digest(expected, presence_code.strip()):
                raise DomainError("the presence code does not match", field="presence_code", rule="presence")
        command = replace(command, presence_code_verified=presence_code is not None,
                          presence_override_by=context.actor_id if presence_code is None else "",
                          read_model_positions=self.reference.positions(*REGISTRATION))
        person = self.reference.person(command.person_id)
        return self.streams.execute(
            lambda: [self.streams.load(VISIT, command.visit_id), self.streams.load(SESSION, command.session_id)],
            lambda loaded: {command.visit_id: visit.check_in(loaded[0].state, command, loaded[1].state, person,
                                                             now=self._clock())},
            context, request_hash=request_hash,
            respond=respond(visit_id=command.visit_id, person_id=command.person_id))

    def screen(self, command: visit.Screen, context: CommandContext, request_hash: str) -> AppendResult:
        def answer(events) -> dict:
            outcome = self.streams.decode(events[0])
            return {"visit_id": command.visit_id, "event_ids": [str(e.event_id) for e in events],
                    "outcome": outcome.outcome, "ruleset_id": outcome.ruleset_id,
                    "postponed_until_date": outcome.postponed_until_date.isoformat()
                    if outcome.postponed_until_date else None,
                    "postponed_until_condition": outcome.postponed_until_condition,
                    "contraindicated_products": list(outcome.contraindicated_products)}

        def targets() -> list[Loaded]:
            # INV-20 across visits: a postponement or contraindication also goes on the person's record, in
            # the same append (and a dose at another visit reads it there, under the record's version check).
            loaded = self.streams.load(VISIT, command.visit_id)
            person_id = loaded.state.person_id
            return [loaded, self.streams.load(RECORD, person_id)] if person_id else [loaded]

        def decide(loaded: list[Loaded]) -> dict[str, list]:
            produced = visit.screen(loaded[0].state, command, now=self._clock())
            if len(loaded) == 1:
                return {command.visit_id: produced}
            person = loaded[1]
            return {command.visit_id: produced,
                    person.aggregate_id: record.note_screening(person.state, produced[0])}

        return self.streams.execute(targets, decide, context, request_hash=request_hash, retries=3, respond=answer)

    def not_administered(self, command: visit.RecordNotAdministered, context: CommandContext,
                         request_hash: str) -> AppendResult:
        state = self.visit_state(command.visit_id)
        given = self.streams.load(RECORD, state.person_id).state.given_at_visit(command.visit_id)
        return self.streams.execute_one(
            VISIT, command.visit_id, lambda v: visit.record_not_administered(v.state, command, bool(given)),
            context, request_hash=request_hash, respond=respond(visit_id=command.visit_id))

    def complete_observation(self, command: visit.CompleteObservation, context: CommandContext,
                             request_hash: str) -> AppendResult:
        state = self.visit_state(command.visit_id)
        given = self.streams.load(RECORD, state.person_id).state.given_at_visit(command.visit_id)
        return self.streams.execute_one(
            VISIT, command.visit_id,
            lambda v: visit.complete_observation(v.state, command, given, now=self._clock()),
            context, request_hash=request_hash, respond=respond(visit_id=command.visit_id))

    # -- doses ---------------------------------------------------------------------------------------------
    def administer_dose(self, command: dose_gate.AdministerDose, context: CommandContext,
                        request_hash: str) -> AppendResult:
        current = self.visit_state(command.visit_id)
        command = replace(command, person_id=current.person_id)
        site = self.session_site(current.session_id)
        person = self.reference.person(current.person_id)
        positions = self.reference.positions(*REGISTRATION, *INVENTORY)

        def targets() -> list[Loaded]:
            return [self.streams.load(RECORD, current.person_id), self.streams.load(SESSION, current.session_id),
                    self.streams.load(VISIT, command.visit_id)]

        def decide(loaded: list[Loaded]) -> dict[str, list]:
            person_record, sess, vis = loaded
            vial = sess.state.vials.get(command.vial_opening_id)
            lot = self.reference.lot_at_site(vial.lot_id, site) if vial else None
            presentation = self.reference.presentation(lot.presentation_id, lot.presentation_version) if lot else None
            ctx = dose_gate.DoseContext(vis.state, sess.state, site, lot, presentation, person, vis.screening_event_id,
                                     read_model_positions=positions)
            produced = dose_gate.administer_dose(replace(person_record.state, person_id=current.person_id), command,
                                              ctx, now=self._clock())
            drawn = [e for e in produced if isinstance(e, VialDoseDrawn)]
            return {current.person_id: [e for e in produced if e not in drawn], current.session_id: drawn}

        return self.streams.execute(targets, decide, context, request_hash=request_hash, retries=3,
                                    respond=respond(dose_id=command.dose_id, person_id=current.person_id,
                                                    visit_id=command.visit_id))

    def record_historical(self, command: corrections.RecordHistoricalDose, context: CommandContext,
                          request_hash: str) -> AppendResult:
        today = local_date(self._clock())
        return self.streams.execute_one(
            RECORD, command.person_id,
            lambda r: corrections.record_historical(replace(r.state, person_id=command.person_id), command, today=today),
            context, request_hash=request_hash, respond=respond(dose_id=command.dose_id, person_id=command.person_id))

    def enter_in_error(self, person_id: str, dose_id: str, reverses_event_id: str, reason: str,
                       context: CommandContext, request_hash: str) -> AppendResult:
        return self.streams.execute_one(
            RECORD, person_id,
            lambda r: corrections.enter_in_error(replace(r.state, person_id=person_id), dose_id, reverses_event_id,
                                            reason, at=self._clock()),
            context, request_hash=request_hash, respond=respond(dose_id=dose_id, person_id=person_id))

    def correct_dose(self, person_id: str, dose_id: str, reverses_event_id: str, changes: tuple[FieldChange, ...],
                     reason: str, context: CommandContext, request_hash: str) -> AppendResult:
        return self.streams.execute_one(
            RECORD, person_id,
            lambda r: corrections.correct_dose(replace(r.state, person_id=person_id), dose_id, reverses_event_id,
                                          changes, reason, at=self._clock()),
            context, request_hash=request_hash, respond=respond(dose_id=dose_id, person_id=person_id))

    def dose_site(self, person_id: str, dose_id: str) -> Site | None:
        dose = self.streams.load(RECORD, person_id).state.dose(dose_id)
        return self.reference.site_or_unknown(dose.site_id) if dose and dose.site_id else None

    # -- AEFI ----------------------------------------------------------------------------------------------
    def report_aefi(self, command: aefi.ReportAefi, context: CommandContext, request_hash: str) -> AppendResult:
        return self.streams.execute(
            lambda: [self.streams.load(AEFI, command.aefi_id), self.streams.load(RECORD, command.person_id)],
            lambda loaded: {command.aefi_id: aefi.report(loaded[0].state, command, loaded[1].state,
                                                         now=self._clock())},
            context, request_hash=request_hash, respond=respond(aefi_id=command.aefi_id))

    def now(self) -> datetime:
        return self._clock()

    def aefi_case(self, aefi_id: str) -> aefi.AefiCase:
        state = self.streams.load(AEFI, aefi_id).state
        if not state.aefi_id:
            raise NotFound(f"AEFI {aefi_id} is unknown", field="aefi_id")
        return state

    def open_investigation(self, aefi_id: str, level: str, context: CommandContext, request_hash: str) -> AppendResult:
        return self.streams.execute_one(
            AEFI, aefi_id, lambda a: aefi.open_investigation(a.state, level, context.actor_id, at=self._clock()),
            context, request_hash=request_hash, respond=respond(aefi_id=aefi_id))

    def classify_aefi(self, aefi_id: str, level: str, causality: str, rationale: str, context: CommandContext,
                      request_hash: str) -> AppendResult:
        return self.streams.execute_one(
            AEFI, aefi_id,
            lambda a: aefi.classify(a.state, level, causality, rationale, context.actor_id, at=self._clock()),
            context, request_hash=request_hash, respond=respond(aefi_id=aefi_id))
