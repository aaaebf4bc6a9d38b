"""Audit command handlers (load -> decide -> append) and the COMMANDS table.

- :func:`sign_checkpoint` - the publisher's periodic round and ``POST /v1/checkpoints``: signs the log's
  current tree head as a C2SP checkpoint and appends ``AuditCheckpointSigned`` to ``checkpoint/<log>``
  unless the tree has not grown since the last one (a concurrent signer of the same head gets a 409 and
  the publisher simply tries again next round);
- :func:`report_chain_broken` - the publisher, per finding of the log projections: ``AuditChainBroken`` on
  ``finding/<service>/<event id>``, once (a second report of the same finding appends nothing).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from eventkit.aggregates import AggregateSpec, Reply, Transaction
from eventkit.handling import CommandTable
from services.audit.domain import events as domain
from services.audit.domain import notes
from services.audit.signing import Signer


@dataclass(frozen=True)
class LogHead:
    """A log's tree as the sealer left it, and how far its topic was consumed."""

    size: int
    root: bytes
    positions: tuple[domain.TopicPosition, ...]


CHECKPOINT = AggregateSpec("audit_checkpoint", lambda: None, lambda state, event: event)
FINDING = AggregateSpec("audit_finding", lambda: False, lambda state, event: True)


@dataclass(frozen=True)
class Deps:
    clock: Callable[[], datetime]
    signer: Signer
    origin: Callable[[str], str]
    log_head: Callable[[str], LogHead]


def sign_checkpoint(tx: Transaction, command: domain.SignCheckpoint, deps: Deps) -> Reply:
    stream = domain.checkpoint_stream(command.log)
    last: domain.AuditCheckpointSigned | None = tx.load(CHECKPOINT, stream)
    head = deps.log_head(command.log)
    origin = deps.origin(command.log)
    note = deps.signer.sign(notes.Checkpoint(origin, head.size, head.root))
    key_id, signature = notes.signature_of(note, origin)
    now = deps.clock()
    checkpoint = domain.AuditCheckpointSigned(
        checkpoint_id=f"{command.log}/{head.size}", period_start=last.period_end if last else now, period_end=now,
        positions=head.positions, merkle_root=head.root, signature=signature, key_id=key_id, log=command.log,
        origin=origin, tree_size=head.size, note=note)
    appended = domain.decide_checkpoint(last.tree_size if last else None, checkpoint)
    tx.append(CHECKPOINT, stream, appended)
    latest = appended[0] if appended else last
    return Reply(stream, {"log": command.log, "origin": latest.origin, "tree_size": latest.tree_size,
                          "note": latest.note, "signed": bool(appended)})


def report_chain_broken(tx: Transaction, command: domain.ReportChainBroken, deps: Deps) -> Reply:
    finding = command.finding
    stream = domain.finding_stream(finding.service, finding.event_id)
    reported = tx.load(FINDING, stream)
    tx.append(FINDING, stream, domain.decide_finding(reported, finding))
    return Reply(stream)


COMMANDS: CommandTable = {
    domain.SignCheckpoint: sign_checkpoint,
    domain.ReportChainBroken: report_chain_broken,
}
