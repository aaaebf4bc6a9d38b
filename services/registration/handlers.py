"""Registration command handlers: load -> decide -> append, one method per command.

Commands that touch several aggregates (a registration claims its national-ID guard; a reschedule moves a
seat between two sessions) append them in one atomic ``store.append`` with the versions they loaded, so a
concurrent change of any of them is a 409 (INV-37) and nothing is half-written.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from eventkit.aggregates import AggregateSpec, Repository
from eventkit.envelope import CommandContext, EventDraft, uuid7
from eventkit.errors import ConcurrencyConflict, DomainError, NotFound
from eventkit.store.base import AggregateChanges, AppendResult
from services.registration.domain import appointments, identity, person
from services.registration.domain import events as ev

PERSON = AggregateSpec("person", person.Person.empty, person.evolve)
GUARD = AggregateSpec("national_id", identity.NationalIdGuard.empty, identity.evolve)
SEATS = AggregateSpec("session_seats", appointments.SessionSeats.empty, appointments.evolve_seats)


def guard_id(key: bytes, kind: str, number: str) -> str:
    """``national-id/<HMAC-SHA256(key, kind:number)>``: stable, and useless without the service's key."""
    return "national-id/" + hmac.new(key, f"{kind}:{number}".encode(), hashlib.sha256).hexdigest()[:40]


def seats_id(session_id: str) -> str:
    return f"session-seats/{session_id}"


@dataclass
class Lookups:
    """Local read models a command consults (built from other services' topics)."""

    district_centre: Callable[[str], person.DistrictCentre | None]
    planned_session: Callable[[str], appointments.PlannedSession | None]


class RegistrationHandlers:
    def __init__(self, repository: Repository, codec, producer: str, refs: person.References,
                 identity_key: bytes | None, lookups: Lookups, clock: Callable[[], datetime]) -> None:
        self.repository = repository
        self.codec = codec
        self._producer = producer
        self.refs = refs
        self._identity_key = identity_key
        self.lookups = lookups
        self.clock = clock

    # -- plumbing ---------------------------------------------------------------------------------------
    def guard_of(self, kind: str, number: str) -> str:
        if self._identity_key is None:
            raise RuntimeError("REGISTRATION_IDENTITY_KEY is not set: national IDs cannot be checked for uniqueness")
        return guard_id(self._identity_key, kind, number)

    def load_person(self, person_id: str) -> tuple[person.Person, int]:
        # Every other stream's id has a "/" ("national-id/…", "session-seats/…") and no person id does: a merge
        # naming one must be a 404, not a Person folded from foreign events (a 500).
        if "/" in person_id:
            raise NotFound(f"no person {person_id}", field="person_id")
        state, version = self.repository.load(PERSON, person_id)
        if not state.registered:
            raise NotFound(f"no person {person_id}", field="person_id")
        return state, version

    def append(self, changes: Sequence[AggregateChanges], context: CommandContext, request_hash: str,
               respond=None) -> AppendResult:
        if context.idempotency_key is not None:
            earlier = self.repository.store.replay(context.idempotency_key, request_hash)
            if earlier is not None:
                return earlier
        return self.repository.store.append(list(changes), context, producer=self._producer,
                                            request_hash=request_hash, respond=respond)

    def change(self, spec: AggregateSpec, aggregate_id: str, version: int, events: Sequence[object]):
        return self.change_of(spec.type, aggregate_id, version, events)

    def change_of(self, aggregate_type: str, aggregate_id: str, version: int, events: Sequence[object]):
        return AggregateChanges(aggregate_type, aggregate_id, version, [self.repository.draft(e) for e in events])

    def _single(self, person_id: str, decide, context: CommandContext, request_hash: str) -> AppendResult:
        self.load_person(person_id)
        return self.repository.execute(PERSON, person_id, lambda state: [decide(state)], context,
                                       request_hash=request_hash, respond=_respond(person_id))

    # -- registration and identity ----------------------------------------------------------------------
    def register_person(self, command: person.RegisterPerson, context: CommandContext,
                        request_hash: str) -> AppendResult:
        if context.idempotency_key is not None:
            earlier = self.repository.store.replay(context.idempotency_key, request_hash)
            if earlier is not None:
                return earlier
        now = self.clock()
        produced = person.register(person.Person.empty(), command, self.refs, now=now)
        registered = produced[0]
        guard = self.guard_of(registered.national_id_kind, registered.national_id)
        guard_state, guard_version = self.repository.load(GUARD, guard)
        claimed = identity.claim(guard_state, command.person_id, registered.national_id_kind, "REGISTRATION", now=now)
        changes = [self.change(GUARD, guard, guard_version, [claimed]),
                   self.change(PERSON, command.person_id, 0, produced)]
        try:
            return self.append(changes, context, request_hash, _respond(command.person_id))
        except ConcurrencyConflict:
            holder, _ = self.repository.load(GUARD, guard)
            if holder.person_id:
                raise identity.NationalIdTaken(holder.person_id) from None
            raise

    def correct_person(self, person_id: str, new_values: dict[str, str], reason: str, evidence: str,
                       context: CommandContext, request_hash: str) -> AppendResult:
        state, version = self.load_person(person_id)
        now = self.clock()
        corrected = person.correct(state, new_values, reason, evidence, self.refs, now=now)
        changes = [self.change(PERSON, person_id, version, [corrected])]
        old, new = state.details, person.apply_changes(state.details, corrected.changes)
        if (old.national_id_kind, old.national_id) != (new.national_id_kind, new.national_id):
            old_guard, new_guard = self.guard_of(old.national_id_kind, old.national_id), \
                self.guard_of(new.national_id_kind, new.national_id)
            old_state, old_version = self.repository.load(GUARD, old_guard)
            new_state, new_version = self.repository.load(GUARD, new_guard)
            claimed = identity.claim(new_state, person_id, new.national_id_kind, "CORRECTION", now=now)
            changes.append(self.change(GUARD, new_guard, new_version, [claimed]))
            released = identity.release(old_state, person_id, "CORRECTION", now=now)
            if released:
                changes.append(self.change(GUARD, old_guard, old_version, released))
        return self.append(changes, context, request_hash, _respond(person_id))

    def merge_persons(self, surviving_id: str, merged_id: str, reason: str, context: CommandContext,
                      request_hash: str) -> AppendResult:
        survivor, survivor_version = self.load_person(surviving_id)
        merged, merged_version = self.load_person(merged_id)
        now = self.clock()
        event = person.merge(survivor, merged, reason, now=now)
        guard = self.guard_of(merged.details.national_id_kind, merged.details.national_id)
        guard_state, guard_version = self.repository.load(GUARD, guard)
        reclaimed = identity.claim(guard_state, surviving_id, merged.details.national_id_kind, "MERGE", now=now)
        changes = [self.change(PERSON, merged_id, merged_version, [event]),
                   self.change(PERSON, surviving_id, survivor_version, []),  # decided on this version
                   self.change(GUARD, guard, guard_version, [reclaimed])]
        return self.append(changes, context, request_hash, _respond(surviving_id))

    # -- priority groups, approval, district ------------------------------------------------------------
    def assign_group(self, person_id: str, group_code: str, catalogue_version: str | None, evidence: str,
                     effective, context: CommandContext, request_hash: str) -> AppendResult:
        now = self.clock()
        day = effective or now.date()
        return self._single(person_id, lambda s: person.decide_group(
            s, group_code, catalogue_version, evidence, day, self.refs.catalogues, now=now), context, request_hash)

    def revoke_group(self, person_id: str, group_code: str, catalogue_version: str, reason: str, evidence: str,
                     context: CommandContext, request_hash: str) -> AppendResult:
        now = self.clock()
        return self._single(person_id, lambda s: person.revoke_group(
            s, group_code, catalogue_version, reason, evidence, now=now), context, request_hash)

    def approve(self, person_id: str, reason: str, context: CommandContext, request_hash: str) -> AppendResult:
        now = self.clock()
        return self._single(person_id, lambda s: person.approve(s, context.actor_id, reason, now=now), context,
                            request_hash)

    def reject(self, person_id: str, reason: str, context: CommandContext, request_hash: str) -> AppendResult:
        now = self.clock()
        return self._single(person_id, lambda s: person.reject(s, context.actor_id, reason, now=now), context,
                            request_hash)

    def assign_district(self, person_id: str, centre_id: str, wave: str, context: CommandContext,
                        request_hash: str) -> AppendResult:
        now = self.clock()
        centre = self.lookups.district_centre(centre_id)
        return self._single(person_id, lambda s: person.assign_district(s, centre, wave, now=now), context,
                            request_hash)

    # -- appointments -----------------------------------------------------------------------------------
    def schedule(self, person_id: str, session_id: str, series: str, dose_number: int, context: CommandContext,
                 request_hash: str) -> AppendResult:
        state, version = self.load_person(person_id)
        session = self.lookups.planned_session(session_id)
        seats, seats_version = self.repository.load(SEATS, seats_id(session_id))
        booked, reserved = appointments.schedule(state, seats, session, str(uuid7()), series, dose_number,
                                                 now=self.clock())
        changes = [self.change(PERSON, person_id, version, [booked]),
                   self.change(SEATS, seats_id(session_id), seats_version, [reserved])]
        return self.append(changes, context, request_hash, _respond(person_id, booked.appointment_id))

    def cancel(self, person_id: str, reason: str, context: CommandContext, request_hash: str) -> AppendResult:
        state, version = self.load_person(person_id)
        cancelled, released = appointments.cancel(state, reason, now=self.clock())
        seats_version = self.repository.load(SEATS, seats_id(cancelled.session_id))[1]
        changes = [self.change(PERSON, person_id, version, [cancelled]),
                   self.change(SEATS, seats_id(cancelled.session_id), seats_version, [released])]
        return self.append(changes, context, request_hash, _respond(person_id, cancelled.appointment_id))

    def reschedule(self, person_id: str, session_id: str, reason: str, context: CommandContext,
                   request_hash: str) -> AppendResult:
        state, version = self.load_person(person_id)
        now = self.clock()
        cancelled, released = appointments.cancel(state, reason, now=now)
        if cancelled.session_id == session_id:
            raise DomainError("the appointment is already in this session", field="session_id",
                                           rule="appointment-active")
        old_seats_version = self.repository.load(SEATS, seats_id(cancelled.session_id))[1]
        seats, seats_version = self.repository.load(SEATS, seats_id(session_id))
        booked, reserved = appointments.schedule(
            state, seats, self.lookups.planned_session(session_id), str(uuid7()), cancelled.series,
            cancelled.dose_number, now=now, replacing=cancelled.appointment_id)
        changes = [self.change(PERSON, person_id, version, [cancelled, booked]),
                   self.change(SEATS, seats_id(cancelled.session_id), old_seats_version, [released]),
                   self.change(SEATS, seats_id(session_id), seats_version, [reserved])]
        return self.append(changes, context, request_hash, _respond(person_id, booked.appointment_id))

    # -- audit of reads ---------------------------------------------------------------------------------
    def record_access(self, access: ev.PersonalDataAccessed, context: CommandContext) -> None:
        """Append PersonalDataAccessed (its own one-event aggregate: reads never contend with each other)."""
        codec, context = self.codec, replace(context, idempotency_key=None)
        draft = EventDraft(codec.event_type(access), codec.encode(access), self.clock())
        self.repository.store.append(
            [AggregateChanges("personal_data_access", f"access/{uuid7()}", 0, [draft])], context,
            producer=self._producer)


def _respond(person_id: str, appointment_id: str | None = None):
    def respond(events) -> dict:
        body = {"person_id": person_id, "event_ids": [str(e.event_id) for e in events],
                "aggregate_version": max(e.aggregate_version for e in events if e.aggregate_id == person_id)
                if any(e.aggregate_id == person_id for e in events) else 0}
        if appointment_id is not None:
            body["appointment_id"] = appointment_id
        return body
    return respond
