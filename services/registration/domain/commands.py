"""Registration commands: what a caller asks for, as frozen dataclasses (imperative names).

The API builds them from validated request models (ids such as ``person_id`` and ``appointment_id`` are chosen
there, so a handler is deterministic); ``handlers`` runs each in one transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from services.registration.domain import events as ev


@dataclass(frozen=True)
class RegisterPerson:
    person_id: str
    national_id_kind: str
    national_id: str
    full_name: str
    date_of_birth: date
    sex: str
    address: ev.Address
    channel: str
    registered_by: str
    registered_by_kind: str = "ACTOR"
    date_of_birth_estimated: bool = False
    phone: str = ""
    occupation: str = ""
    nationality: str = "VN"
    account_id: str = ""
    relationship: str = ""
    upload_id: str = ""
    upload_line: int = 0
    priority_group: str = ""
    priority_evidence: str = ""
    site_id: str = ""
    """The site registering the person on the spot (staff at a site: a walk-in)."""


@dataclass(frozen=True)
class RegisterUploadRows:
    """One chunk of an organisation upload: its rows (CSV line, registration), registered in one append."""

    upload_id: str
    rows: tuple[tuple[int, RegisterPerson], ...]


@dataclass(frozen=True)
class CompleteUpload:
    upload_id: str
    organisation_id: str
    file_sha256: str
    rows: int
    registered: int
    invalid: int
    duplicates_in_file: int
    already_registered: int


@dataclass(frozen=True)
class CorrectPerson:
    person_id: str
    changes: Mapping[str, str]
    reason: str
    evidence: str = ""


@dataclass(frozen=True)
class MergePersons:
    surviving_person_id: str
    merged_person_id: str
    reason: str


@dataclass(frozen=True)
class AssignPriorityGroup:
    person_id: str
    group_code: str
    evidence: str
    catalogue_version: str | None = None
    effective_date: date | None = None


@dataclass(frozen=True)
class RevokePriorityGroup:
    person_id: str
    group_code: str
    catalogue_version: str
    reason: str
    evidence: str = ""


@dataclass(frozen=True)
class ApproveRegistration:
    person_id: str
    reason: str = ""


@dataclass(frozen=True)
class RejectRegistration:
    person_id: str
    reason: str


@dataclass(frozen=True)
class AssignDistrict:
    person_id: str
    district_health_centre_id: str
    allocation_wave: str = ""


@dataclass(frozen=True)
class ScheduleAppointment:
    person_id: str
    appointment_id: str
    session_id: str
    series: str = "PRIMARY"
    dose_number: int = 1


@dataclass(frozen=True)
class CancelAppointment:
    person_id: str
    reason: str


@dataclass(frozen=True)
class RescheduleAppointment:
    person_id: str
    appointment_id: str
    session_id: str
    reason: str


@dataclass(frozen=True)
class ApproveWalkIn:
    """A site's staff approve, under the site's standing delegation, a walk-in registered at the site today, for
    the session they came to (and assign them to the site's district health centre)."""

    person_id: str
    session_id: str
    reason: str = ""
