"""Request and response models of the certificate API.

Requests are strict (:class:`~eventkit.web.models.StrictModel` bodies, :class:`~eventkit.web.models.QueryModel`
query strings: unknown fields and parameters refused, nothing coerced) and every field is an eventkit field
type, tightened where the service knows more (a UVCI's alphabet, the reason codes). Responses document
what the routes answer.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from eventkit.access import PURPOSES
from eventkit.web.models import Id, Moment, QueryModel, StrictModel, line

UVCI_PATTERN = r"^URN:UVCI:[0-9A-Z/:]+#[0-9A-Z/:]$"
# The pattern is checked after line()'s own validator, which hides it from the JSON schema: state it there too.
Uvci = Annotated[line(80, min_length=1), Field(pattern=UVCI_PATTERN, json_schema_extra={"pattern": UVCI_PATTERN},
                                                 description="a UVCI: URN:UVCI:01:<country>:<opaque>#<check>")]
PersonId = Annotated[Id, Field(max_length=64)]
Format = Literal["EU_DCC_HC1", "SMART_HEALTH_CARD"]
Purpose = Literal[PURPOSES]  # type: ignore[valid-type]
RevocationReason = Literal["FRAUD", "IDENTITY_MERGE", "DOSE_ENTERED_IN_ERROR", "LOT_RECALL", "DOSE_CORRECTED",
                           "PERSON_CORRECTED"]


# -- the citizen's record -------------------------------------------------------------------------------------
class RecordQuery(QueryModel):
    purpose: Purpose | None = Field(
        default=None, description="required for staff (or the X-Purpose header): why the record is read (recorded)")


class DocumentQuery(RecordQuery):
    format: Format = Field(default="EU_DCC_HC1", description="EU_DCC_HC1 (default) or SMART_HEALTH_CARD")


class PersonalRecord(BaseModel):
    person_id: str
    person: dict
    doses: list[dict]
    next_dose: dict | None
    certificates: list[dict] = Field(description="every certificate, newest last, with status and QR string")
    current: dict = Field(description="per format, the current certificate (active or suspended)")


# -- manual revocation ----------------------------------------------------------------------------------------
class RevokeRequest(StrictModel):
    person_id: PersonId
    certificate_id: Uvci
    reason: RevocationReason


class RevokeAccepted(BaseModel):
    id: str = Field(description="the person's certificates stream, certificates:<person_id>")
    event_ids: list[str]
    versions: dict[str, int]
    person_id: str
    certificate_id: str


# -- trust material and verification --------------------------------------------------------------------------
class VerifyRequest(StrictModel):
    qr: line(8000, min_length=1) = Field(description="an HC1: or shc:/ string as read from the QR")
    at: Moment | None = Field(default=None, description="verification time (default: now)")


class SignedList(BaseModel):
    type: str
    version: int
    signed: str = Field(description="compact JWS (ES256, x5c = list signer certificate issued by the CSCA)")


class VerifyResult(BaseModel):
    valid: bool
    reason: str | None = Field(default=None, description="rejection reason code when invalid")
    detail: str | None = None
    format: str | None = None
    certificate_id: str | None = None
    key_id: str | None = None
    holder: dict | None = None
    entries: list[dict] | None = None
    trust_list_version: int
    revocation_list_version: int


class Jwks(BaseModel):
    keys: list[dict]


class Crl(BaseModel):
    kid: str
    method: str
    ctr: int
    rids: list[str]
