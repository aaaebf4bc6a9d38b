"""The national-ID uniqueness guard (INV-31): one small aggregate per identity document.

Its id is ``national-id/<digest>``, a keyed digest of (kind, number) computed by the handler, so the number
never appears in a Kafka key. Claiming it is appended in the same transaction as the person's
``PersonRegistered``; two racing registrations of one document both expect version 0 of the guard and the
store lets only one commit (the other is answered with the same 409 as a sequential duplicate).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from eventkit.errors import DuplicateEntity
from services.registration.domain import events as ev


class NationalIdTaken(DuplicateEntity):
    """409: the identity document already identifies a person (the problem names that person)."""

    def __init__(self, existing_person_id: str) -> None:
        super().__init__(f"this national ID is already registered as person {existing_person_id}",
                         field="national_id", rule="INV-31")
        self.existing_person_id = existing_person_id


@dataclass(frozen=True)
class NationalIdGuard:
    person_id: str = ""

    @classmethod
    def empty(cls) -> NationalIdGuard:
        return cls()


def evolve(state: NationalIdGuard, event: object) -> NationalIdGuard:
    if isinstance(event, ev.NationalIdClaimed):
        return replace(state, person_id=event.person_id)
    if isinstance(event, ev.NationalIdReleased):
        return replace(state, person_id="")
    raise TypeError(f"NationalIdGuard cannot apply {type(event).__name__}")


def claim(state: NationalIdGuard, person_id: str, kind: str, reason: str, *, now: datetime) -> ev.NationalIdClaimed:
    """Claim the document for ``person_id``; a document held by someone else is a 409 pointing at them."""
    if state.person_id and reason != "MERGE":
        raise NationalIdTaken(state.person_id)
    return ev.NationalIdClaimed(person_id, kind, reason, now)


def release(state: NationalIdGuard, person_id: str, reason: str, *, now: datetime) -> list[ev.NationalIdReleased]:
    return [ev.NationalIdReleased(person_id, reason, now)] if state.person_id == person_id else []
