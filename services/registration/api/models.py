"""Request, query and response models of the registration API.

Requests derive from :class:`~eventkit.web.models.StrictModel` (no unknown field, no coercion: ``"1"`` for a
number, ``"yes"`` for a boolean or a date-time for a date are 422s) and queries from
:class:`~eventkit.web.models.QueryModel`; every field has one of eventkit's validated types, so text without
control characters, dates from 1900 to 2099 and bounded integers are all a request can carry. Formats
(national ID, phone, administrative codes, priority groups) are checked by the domain, so every channel, the
CSV upload included, applies exactly the same rules and names the same rule on failure.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

from eventkit.web.models import Code, Count, Day, Id, Quantity, QueryModel, StrictModel, line, text

Reason = text(500, min_length=1)
Evidence = line(200)


class AddressIn(StrictModel):
    province_code: Annotated[line(2), Field(description="2-digit GSO province code, e.g. 79")]
    district_code: Annotated[line(3), Field(description="3-digit GSO district code")] = ""
    commune_code: Annotated[line(5), Field(description="5-digit GSO commune code")] = ""
    address_line: line(200) = ""


class RegisterRequest(StrictModel):
    national_id_kind: Annotated[line(20), Field(description="CITIZEN_ID (12 digits) | LEGACY_ID_CARD (9 digits)"
                                                            " | PASSPORT | OTHER")]
    national_id: line(24)
    full_name: line(120)
    date_of_birth: Annotated[Day, Field(description="YYYY-MM-DD; not in the future (INV-31)")]
    date_of_birth_estimated: bool = False
    sex: Annotated[line(10), Field(description="MALE | FEMALE | OTHER | UNKNOWN")]
    phone: Annotated[line(20), Field(description="Vietnamese mobile: 09xxxxxxxx, 84..., +84...")] = ""
    address: AddressIn
    occupation: line(120) = ""
    nationality: line(2) = "VN"
    relationship: Annotated[line(10), Field(description="citizens: SELF | CHILD | PARENT | SPOUSE | SIBLING | "
                                                        "OTHER")] = "SELF"
    channel: Annotated[line(10), Field(description="citizens: APP | PORTAL (staff: ON_SITE)")] = "APP"
    site_id: Annotated[line(40), Field(description=(
        "staff at a site: the site registering the person on the spot (a walk-in, within the caller's site scope); "
        "its standing delegation may then approve the registration (POST /v1/persons/{id}/walk-in-approval)"))] = ""


class Accepted(BaseModel):
    id: str = Field(description="the person the command acted on")
    event_ids: list[str]
    versions: dict[str, int] = Field(description="aggregate id -> its version after the command")
    person_id: str
    appointment_id: str | None = None


class CorrectionRequest(StrictModel):
    changes: Annotated[dict[line(40), line(200)], Field(
        min_length=1, max_length=20,
        description="field -> new value; fields: national_id_kind, national_id, full_name, date_of_birth, "
                    "date_of_birth_estimated, sex, phone, occupation, nationality, address.<code or line>")]
    reason: Reason
    evidence: Evidence = ""


class MergeRequest(StrictModel):
    merged_person_id: Id
    reason: Reason


class GroupRequest(StrictModel):
    group_code: Annotated[Code, Field(max_length=8, description="code in the catalogue in force, e.g. G1")]
    catalogue_version: Annotated[Code | None, Field(description="optional; must be the version in force "
                                                                "(INV-31)")] = None
    evidence: Annotated[Evidence, Field(description="reference to the proof (required, INV-31)")]
    effective_date: Annotated[Day | None, Field(description="the catalogue in force on this date; today")] = None


class RevokeGroupRequest(StrictModel):
    group_code: Annotated[Code, Field(max_length=8)]
    catalogue_version: Code
    reason: Reason
    evidence: Evidence = ""


class DecisionRequest(StrictModel):
    reason: Annotated[text(500), Field(description="required for a rejection")] = ""


class WalkInApprovalRequest(StrictModel):
    session_id: Annotated[Id, Field(description="the session at the caller's site the walk-in came to")]
    reason: text(500) = ""


class DistrictRequest(StrictModel):
    district_health_centre_id: Id
    allocation_wave: line(40) = ""


class AppointmentRequest(StrictModel):
    session_id: Id
    series: Annotated[line(12), Field(description="PRIMARY | ADDITIONAL | BOOSTER")] = "PRIMARY"
    dose_number: Annotated[Quantity, Field(le=10)] = 1


class CancelRequest(StrictModel):
    reason: Reason


class RescheduleRequest(StrictModel):
    session_id: Id
    reason: Reason


class QueueQuery(QueryModel):
    district_code: Annotated[Code | None, Field(description="only this district")] = None
    limit: Annotated[Quantity, Field(le=1000)] = 100
    offset: Annotated[Count, Field(le=1_000_000)] = 0


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
    walk_in_approvals: int = Field(description="registrations of the province approved by a site's standing "
                                               "delegation (SITE_WALK_IN_DELEGATION), among the APPROVED")
    items: list[QueueItem]


class PurposeQuery(QueryModel):
    purpose: line(40) | None = Field(default=None, description="staff: why the record is read (or X-Purpose "
                                                               "header): CARE | CERTIFICATE_CHECK | SUPPORT | "
                                                               "INVESTIGATION | ADMINISTRATION")


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


class CatalogueQuery(QueryModel):
    on: Day | None = Field(default=None, description="the catalogue in force on this date (default today)")


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
