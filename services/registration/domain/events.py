"""Registration domain events: frozen dataclasses mapped by field name to ``vaxtrail.registration.v1``.

Every event exposes ``occurred_at`` (business time). Field names are the protobuf field names; the codec
(``services/registration/codec.py``) checks the mapping at start-up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class Address:
    province_code: str
    district_code: str = ""
    commune_code: str = ""
    address_line: str = ""


@dataclass(frozen=True)
class FieldChange:
    field: str
    old_value: str
    new_value: str


@dataclass(frozen=True)
class PersonRegistered:
    person_id: str
    national_id: str
    national_id_kind: str
    full_name: str
    date_of_birth: date
    date_of_birth_estimated: bool
    sex: str
    phone: str
    address: Address
    occupation: str
    channel: str
    registered_by: str
    registered_by_kind: str
    nationality: str
    account_id: str
    relationship: str
    upload_id: str
    upload_line: int
    registered_at: datetime
    site_id: str = ""
    """The site where staff registered the person on the spot (a walk-in); empty otherwise."""

    @property
    def occurred_at(self) -> datetime:
        return self.registered_at


@dataclass(frozen=True)
class PersonDetailsCorrected:
    person_id: str
    changes: tuple[FieldChange, ...]
    reason: str
    evidence: str
    corrected_at: datetime

    @property
    def occurred_at(self) -> datetime:
        return self.corrected_at


@dataclass(frozen=True)
class PersonsMerged:
    surviving_person_id: str
    merged_person_id: str
    reason: str
    merged_at: datetime

    @property
    def occurred_at(self) -> datetime:
        return self.merged_at


@dataclass(frozen=True)
class PriorityGroupAssigned:
    person_id: str
    group_code: str
    catalogue_version: str
    evidence: str
    effective_date: date
    assigned_at: datetime

    @property
    def occurred_at(self) -> datetime:
        return self.assigned_at


@dataclass(frozen=True)
class PriorityGroupRevoked:
    person_id: str
    group_code: str
    catalogue_version: str
    evidence: str
    reason: str
    revoked_at: datetime

    @property
    def occurred_at(self) -> datetime:
        return self.revoked_at


@dataclass(frozen=True)
class RegistrationApproved:
    person_id: str
    approver_id: str
    province_code: str
    reason: str
    decided_at: datetime
    delegation_rule: str = ""
    """Empty for the province's own decision; the standing delegation a site's staff approved under otherwise."""
    site_id: str = ""
    session_id: str = ""

    @property
    def occurred_at(self) -> datetime:
        return self.decided_at


@dataclass(frozen=True)
class RegistrationRejected:
    person_id: str
    approver_id: str
    province_code: str
    reason: str
    decided_at: datetime

    @property
    def occurred_at(self) -> datetime:
        return self.decided_at


@dataclass(frozen=True)
class PersonAssignedToDistrict:
    person_id: str
    district_health_centre_id: str
    allocation_wave: str
    province_code: str
    district_code: str
    assigned_at: datetime
    centre_source_event_id: str = ""

    @property
    def occurred_at(self) -> datetime:
        return self.assigned_at


@dataclass(frozen=True)
class AppointmentScheduled:
    appointment_id: str
    person_id: str
    session_id: str
    site_id: str
    slot_start: datetime
    slot_end: datetime
    series: str
    dose_number: int
    scheduled_at: datetime
    replaces_appointment_id: str = ""
    session_source_event_id: str = ""

    @property
    def occurred_at(self) -> datetime:
        return self.scheduled_at


@dataclass(frozen=True)
class AppointmentCancelled:
    appointment_id: str
    person_id: str
    session_id: str
    site_id: str
    slot_start: datetime
    slot_end: datetime
    series: str
    dose_number: int
    reason: str
    cancelled_at: datetime

    @property
    def occurred_at(self) -> datetime:
        return self.cancelled_at


@dataclass(frozen=True)
class NationalIdClaimed:
    person_id: str
    national_id_kind: str
    reason: str
    claimed_at: datetime

    @property
    def occurred_at(self) -> datetime:
        return self.claimed_at


@dataclass(frozen=True)
class NationalIdReleased:
    person_id: str
    reason: str
    released_at: datetime

    @property
    def occurred_at(self) -> datetime:
        return self.released_at


@dataclass(frozen=True)
class SessionSeatReserved:
    session_id: str
    appointment_id: str
    capacity: int
    reserved_at: datetime

    @property
    def occurred_at(self) -> datetime:
        return self.reserved_at


@dataclass(frozen=True)
class SessionSeatReleased:
    session_id: str
    appointment_id: str
    released_at: datetime

    @property
    def occurred_at(self) -> datetime:
        return self.released_at


@dataclass(frozen=True)
class BulkUploadCompleted:
    upload_id: str
    organisation_id: str
    file_sha256: str
    rows: int
    registered: int
    invalid: int
    duplicates_in_file: int
    already_registered: int
    completed_at: datetime

    @property
    def occurred_at(self) -> datetime:
        return self.completed_at
