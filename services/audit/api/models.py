"""Request and response models of the audit API (strict query strings and bodies: unknown fields refused)."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, Field

from eventkit.access import PURPOSES
from eventkit.web.models import QueryModel, StrictModel

LOGS = ("registration", "inventory", "allocation", "immunization", "certificate")
Log = Literal[LOGS]  # type: ignore[valid-type]
Purpose = Literal[PURPOSES]  # type: ignore[valid-type]
TreeSize = Annotated[int, Field(ge=0, le=2**62)]


class TrailQuery(QueryModel):
    format: Literal["json", "csv"] | None = Field(default=None, description="csv: the lot's recall list as CSV")


class PersonTrailQuery(QueryModel):
    purpose: Purpose | None = Field(default=None, description="why the trail is read (or the X-Purpose header)")


class Actor(BaseModel):
    id: str
    role: str


class Step(BaseModel):
    service: str
    event_id: str
    event_type: str
    business_time: str
    recorded_time: str
    actor: Actor
    aggregate_type: str
    aggregate_id: str
    aggregate_version: int
    payload_sha256: str = Field(description="SHA-256 of the event's protobuf payload (the payload is not kept)")
    hash: str = Field(description="the event's hash-chain hash: the leaf data of its log's Merkle tree")
    log_position: int
    leaf_index: int | None = Field(description="its index in the log's Merkle tree; null until sealed")
    chain_verified: bool = Field(description="its hash recomputes and links to its aggregate's previous event")


class RecallCertificate(BaseModel):
    certificate_id: str
    status: str


class RecallRow(BaseModel):
    dose_id: str
    person_id: str
    site_id: str
    session_id: str
    administered_at: str
    dose_status: Literal["GIVEN", "CORRECTED", "ENTERED_IN_ERROR"]
    certificates: list[RecallCertificate]


class Trail(BaseModel):
    kind: Literal["dose", "lot", "person", "certificate"]
    id: str
    services: list[str]
    chain_verified: bool
    steps: list[Step]
    recall: list[RecallRow] | None = Field(default=None, description="lot trails: every dose given from the lot")


class SignRequest(StrictModel):
    logs: list[Log] | None = Field(default=None, min_length=1, max_length=5,
                                   description="the logs to sign (default: all five)")


class Checkpoint(BaseModel):
    log: str
    origin: str
    tree_size: int
    root: str = Field(description="root hash, base64")
    note: str = Field(description="the C2SP signed note (tlog-checkpoint body + Ed25519 signature line)")
    signed_at: str | None = None
    verifier_key: str = Field(description="<origin>+<key id>+<base64(0x01 || Ed25519 public key)>")


class LatestQuery(QueryModel):
    service: Log | None = Field(default=None, description="one log only")


class Checkpoints(BaseModel):
    public_key: str = Field(description="the audit service's Ed25519 public key, base64")
    checkpoints: list[Checkpoint]


class InclusionQuery(QueryModel):
    event_id: UUID = Field(description="an event id (every event id is a UUID): anything else is a 422")
    tree_size: TreeSize | None = Field(default=None, description="default: the log's latest signed checkpoint")


class InclusionProof(BaseModel):
    event_id: str
    log: str
    origin: str
    leaf_index: int
    tree_size: int
    leaf_data: str = Field(description="the event's chain hash, hex (leaf hash = SHA-256(0x00 || leaf data))")
    proof: list[str] = Field(description="RFC 9162 inclusion path, leaf to root, base64")
    checkpoint: str | None = Field(description="the signed checkpoint of tree_size, when one was signed")
    verifier_key: str


class ConsistencyQuery(QueryModel):
    service: Log
    first: TreeSize
    second: TreeSize


class ConsistencyProof(BaseModel):
    log: str
    origin: str
    first: int
    second: int
    first_root: str
    second_root: str
    proof: list[str] = Field(description="RFC 9162 consistency proof, base64")
    first_checkpoint: str | None
    second_checkpoint: str | None
    verifier_key: str
