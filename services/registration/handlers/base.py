"""What every registration handler shares: the aggregates (specs and ids), the :class:`Deps`, and the person
loader that turns "no such person" into a 404."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from eventkit.aggregates import AggregateSpec, Reply, Transaction
from eventkit.errors import NotFound
from services.registration.domain import appointments, identity, person
from services.registration.domain import events as ev

# A person id names a person stream only: any other kind (``national-id/…``, ``session-seats/…``) is refused by
# the store as a 422 ``aggregate-kind`` naming the request field, never folded as a person.
PERSON = AggregateSpec("person", person.Person.empty, person.evolve, id_field="person_id")
GUARD = AggregateSpec("national_id", identity.NationalIdGuard.empty, identity.evolve, id_field="national_id")
SEATS = AggregateSpec("session_seats", appointments.SessionSeats.empty, appointments.evolve_seats,
                      id_field="session_id")


def _count_completions(count: int, event: object) -> int:
    if not isinstance(event, ev.BulkUploadCompleted):
        raise TypeError(f"an upload stream cannot apply {type(event).__name__}")
    return count + 1


# One stream per (organisation, file): how often that file was uploaded.
UPLOAD = AggregateSpec("bulk_upload", int, _count_completions)


def guard_id(key: bytes, kind: str, number: str) -> str:
    """``national-id/<HMAC-SHA256(key, kind:number)>``: stable, and useless without the service's key."""
    return "national-id/" + hmac.new(key, f"{kind}:{number}".encode(), hashlib.sha256).hexdigest()[:40]


def seats_id(session_id: str) -> str:
    return f"session-seats/{session_id}"


def upload_stream_id(organisation_id: str, file_sha256: str) -> str:
    return f"upload/{organisation_id}/{file_sha256}"


@dataclass(frozen=True)
class Deps:
    """What registration decisions read besides the event store."""

    refs: person.References
    identity_key: bytes | None
    district_centre: Callable[[str], person.DistrictCentre | None]
    planned_session: Callable[[str], appointments.PlannedSession | None]
    clock: Callable[[], datetime]

    def guard_of(self, kind: str, number: str) -> str:
        if self.identity_key is None:
            raise RuntimeError("REGISTRATION_IDENTITY_KEY is not set: national IDs cannot be checked for uniqueness")
        return guard_id(self.identity_key, kind, number)


def registered(state: person.Person, person_id: str, field: str = "person_id") -> person.Person:
    """``state`` if it is a registered person, else a 404 naming ``field``."""
    if not state.registered:
        raise NotFound(f"no person {person_id}", field=field)
    return state


def load_person(tx: Transaction, person_id: str, field: str = "person_id") -> person.Person:
    """A registered person, loaded in ``tx`` (so its version guards the append)."""
    return registered(tx.load(PERSON, person_id, field=field), person_id, field)


def person_reply(person_id: str, **extra: Any) -> Reply:
    """The answer of a command on a person: the standard fields plus ``person_id`` (and e.g. ``appointment_id``)."""
    return Reply(person_id, {"person_id": person_id, **extra})
