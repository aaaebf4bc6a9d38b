"""What the audit service appends to its own log, and the commands that decide it (pure).

- ``AuditCheckpointSigned`` (stream ``checkpoint/<log>``): one per signed checkpoint of a service's log;
  :func:`decide_checkpoint` appends nothing when the tree has not grown since the last one.
- ``AuditChainBroken`` (stream ``finding/<service>/<event id>``): one per event whose chain link failed;
  the stream id makes a second report of the same finding a no-op (:func:`decide_finding`).
- ``PersonalDataAccessed`` (eventkit.access): a person's trail was read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class TopicPosition:
    topic: str
    partition: int
    offset: int


@dataclass(frozen=True)
class AuditCheckpointSigned:
    checkpoint_id: str
    period_start: datetime
    period_end: datetime
    positions: tuple[TopicPosition, ...]
    merkle_root: bytes
    signature: bytes
    key_id: str
    log: str
    origin: str
    tree_size: int
    note: str

    @property
    def occurred_at(self) -> datetime:
        return self.period_end


@dataclass(frozen=True)
class AuditChainBroken:
    topic: str
    aggregate_id: str
    aggregate_version: int
    expected_hash: bytes
    found_hash: bytes
    event_id: str
    partition: int
    offset: int
    service: str
    position: int
    event_type: str
    reason: str
    found_at: datetime

    @property
    def occurred_at(self) -> datetime:
        return self.found_at


# -- commands ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SignCheckpoint:
    log: str


@dataclass(frozen=True)
class ReportChainBroken:
    finding: AuditChainBroken


def checkpoint_stream(log: str) -> str:
    return f"checkpoint/{log}"


def finding_stream(service: str, event_id: str) -> str:
    return f"finding/{service}/{event_id}"


def decide_checkpoint(last_size: int | None, checkpoint: AuditCheckpointSigned) -> list[AuditCheckpointSigned]:
    """Sign only a tree that grew (the first checkpoint of a log is always signed, even when empty)."""
    if last_size is not None and checkpoint.tree_size <= last_size:
        return []
    return [checkpoint]


def decide_finding(already_reported: bool, finding: AuditChainBroken) -> list[AuditChainBroken]:
    return [] if already_reported else [finding]
