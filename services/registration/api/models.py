"""Request, query and response models of the registration API (pydantic; requests forbid extra fields).

Formats (national ID, phone, administrative codes, priority groups) are checked by the domain, so every
channel, the CSV upload included, applies exactly the same rules and names the same rule on failure.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

Id = Field(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9._:/\-]+$")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AddressIn(Strict):
    province_code: str = Field(max_length=2, description="2-digit GSO province code, e.g. 79")
    district_code: str = Field(default="", max_length=3, description="3-digit GSO district code")
    commune_code: str = Field(default="", max_length=5, description="5-digit GSO commune code")
    address_line: str = Field(default="", max_length=200)


class RegisterRequest(Strict):
    national_id_kind: str = Field(max_length=20, description="CITIZEN_ID (12 digits) | LEGACY_ID_CARD (9 digits)"
                                                             " | PASSPORT | OTHER")
    national_id: str = Field(max_length=24)
    full_name: str = Field(max_length=120)
    date_of_birth: date = Field(description="YYYY-MM-DD; not in the future (INV-31)")
    date_of_birth_estimated: bool = False
    sex: str = Field(max_length=10, description="MALE | FEMALE | OTHER | UNKNOWN")
    phone: str = Field(default="", max_length=20, description="Vietnamese mobile: 09xxxxxxxx, 84..., +84...")
    address: AddressIn
    occupation: str = Field(default="", max_length=120)
    nationality: str = Field(default="VN", max_length=2)
    relationship: str = Field(default="SELF", max_length=10,
                              description="citizens: SELF | CHILD | PARENT | SPOUSE | SIBLING | OTHER")
    channel: str = Field(default="APP", max_length=10, description="citizens: APP | PORTAL (staff: ON_SITE)")


class Accepted(BaseModel):
    person_id: str
    event_ids: list[str]
    aggregate_version: int
    appointment_id: str | None = None


class CorrectionRequest(Strict):
    changes: dict[str, str] = Field(description="field -> new value; fields: national_id_kind, national_id, "
                                                "full_name, date_of_birth, date_of_birth_estimated, sex, phone, "
                                                "occupation, nationality, address.<code or line>")
    reason: str = Field(min_length=1, max_length=500)
    evidence: str = Field(default="", max_length=200)


class MergeRequest(Strict):
    merged_person_id: str = Id
    reason: str = Field(min_length=1, max_length=500)


class GroupRequest(Strict):
    group_code: str = Field(max_length=8, description="code in the catalogue in force, e.g. G1")
    catalogue_version: str | None = Field(default=None, max_length=40,
                                          description="optional; must be the version in force (INV-31)")
    evidence: str = Field(max_length=200, description="reference to the proof (required, INV-31)")
    effective_date: date | None = Field(default=None, description="the catalogue in force on this date; today")


class RevokeGroupRequest(Strict):
    group_code: str = Field(max_length=8)
    catalogue_version: str = Field(max_length=40)
    reason: str = Field(min_length=1, max_length=500)
    evidence: str = Field(default="", max_length=200)


class DecisionRequest(Strict):
    reason: str = Field(default="", max_length=500, description="required for a rejection")


class DistrictRequest(Strict):
    district_health_centre_id: str = Id
    allocation_wave: str = Field(default="", max_length=40)


class AppointmentRequest(Strict):
    session_id: str = Id
    series: str = Field(default="PRIMARY", max_length=12)
    dose_number: int = Field(default=1, ge=1, le=10)


class CancelRequest(Strict):
    reason: str = Field(min_length=1, max_length=500)


class RescheduleRequest(Strict):
    session_id: str = Id
    reason: str = Field(min_length=1, max_length=500)


class QueueQuery(BaseModel):
    district_code: str | None = Field(default=None, description="only this district")
    limit: int = Field(default=100, ge=1, le=1000)
    offset: int = Field(default=0, ge=0)


class QueueItem(BaseModel):
    person_id: str
    priority_rank: int
    priority_group: str | None
    catalogue_version: str | None
    district_code: str
    commune_code: str
    channel: str
    registered_at: str


class Queue(BaseModel):
    province_code: str
    counts: dict[str, int]
    items: list[QueueItem]


class PurposeQuery(BaseModel):
    purpose: str | None = Field(default=None, description="staff: why the record is read (or X-Purpose header): "
                                                          "CARE | CERTIFICATE_CHECK | SUPPORT | INVESTIGATION | "
                                                          "ADMINISTRATION")


class PersonRecord(BaseModel):
    person_id: str
    status: str
    merged_into: str | None
    details: dict
    decision: dict | None
    priority_groups: list[dict]
    district: dict | None
    appointment: dict | None
    doses: list[dict]
    certificates: list[dict]


class AccountPersons(BaseModel):
    items: list[dict]


class CatalogueQuery(BaseModel):
    on: date | None = Field(default=None, description="the catalogue in force on this date (default today)")


class CatalogueOut(BaseModel):
    version: str
    legal_basis: str
    effective_from: str
    effective_until: str | None
    groups: list[dict]


class UploadProblem(BaseModel):
    line: int
    status: str = Field(description="invalid | duplicate_in_file | already_registered")
    field: str | None = None
    rule: str | None = None
    reason: str | None = None
    duplicate_of_line: int | None = None
    person_id: str | None = None


class UploadReport(BaseModel):
    upload_id: str
    organisation_id: str
    file_sha256: str
    same_file_uploaded_before: bool
    rows: int
    registered: int
    invalid: int
    duplicates_in_file: int
    already_registered: int
    problems: list[UploadProblem]
