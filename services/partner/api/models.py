"""Request and response models of the partner API (strict bodies: unknown fields refused, nothing coerced).

Names and feeds are checked by the domain (``partner-name``, ``partner-feeds``), so the CLI and the API name
the same rule; the models bound their sizes and alphabets.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from eventkit.web.models import StrictModel, line

Feed = Literal["DOSES", "STOCK", "AEFI", "REVOCATIONS"]
PartnerName = Annotated[str, Field(min_length=3, max_length=32, pattern=r"^[a-z][a-z0-9-]*$",
                                   description="lower-case name, e.g. who-vn (part of its topic names)")]


class GrantRequest(StrictModel):
    partner: PartnerName
    feeds: Annotated[list[Feed], Field(min_length=1, max_length=4, description="the feeds to open")]
    reason: Annotated[line(200, min_length=1), Field(description="the agreement or ticket behind the grant")]


class RevokeRequest(StrictModel):
    reason: line(200, min_length=1)


class GrantAccepted(BaseModel):
    id: str
    event_ids: list[str]
    partner: str
    feeds: list[str]
    topics: list[str] = []
    principal: str = ""
    group_prefix: str = ""


class PartnerView(BaseModel):
    partner: str
    feeds: list[str]
    topics: list[str]
    principal: str
    group_prefix: str
    active: bool
    changed_at: str


class PartnerList(BaseModel):
    partners: list[PartnerView]
