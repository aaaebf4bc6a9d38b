"""``PersonalDataAccessed``: every staff lookup of a person's record is recorded on the certificate topic."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime


@dataclass(frozen=True)
class PersonalDataAccessed:
    actor_id: str
    actor_role: str
    purpose: str
    subject_person_id: str
    endpoint: str
    # Not a wire field (the audit message has none): the envelope's occurred_at carries the time.
    accessed_at: datetime = field(init=False, compare=False, default_factory=lambda: datetime.now(UTC))

    @property
    def occurred_at(self) -> datetime:
        return self.accessed_at


def aggregate_id(person_id: str, day: date) -> str:
    return f"data-access:{person_id}:{day.isoformat()}"
