"""The audit commands on the in-memory store, wired by ``bootstrap.bus``: a checkpoint is signed once per
tree size and opens with the service's key; a chain finding is reported once."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from eventkit.aggregates import EventSourcing
from eventkit.envelope import CommandContext
from eventkit.testing import InMemoryEventStore
from services.audit import bootstrap
from services.audit.codec import build_codec
from services.audit.domain import chain, notes
from services.audit.domain.events import AuditChainBroken, ReportChainBroken, SignCheckpoint, TopicPosition
from services.audit.handlers import Deps, LogHead
from services.audit.signing import Signer

NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
AUDITOR = CommandContext(actor_id="auditor-1", actor_role="auditor")


def world(heads: dict[str, LogHead]):
    signer = Signer(Ed25519PrivateKey.generate())
    es = EventSourcing(InMemoryEventStore(), build_codec(), producer="audit/test")
    deps = Deps(clock=lambda: NOW, signer=signer, origin=lambda log: f"vaxtrail.test/audit/{log}",
                log_head=lambda log: heads[log])
    return bootstrap.bus(es, deps), signer


def test_a_checkpoint_is_signed_once_per_tree_size_and_opens_with_the_services_key():
    root = hashlib.sha256(b"r").digest()
    heads = {"inventory": LogHead(3, root, (TopicPosition("vaxtrail.inventory.v1", 0, 3),))}
    bus, signer = world(heads)
    first = bus.handle(SignCheckpoint("inventory"), AUDITOR)
    assert len(first.events) == 1 and first.response["signed"] is True
    note = first.response["note"]
    body = notes.open_note(note, "vaxtrail.test/audit/inventory", signer.public_key)
    assert notes.parse_checkpoint(body) == notes.Checkpoint("vaxtrail.test/audit/inventory", 3, root)
    again = bus.handle(SignCheckpoint("inventory"), AUDITOR)
    assert again.events == [] and again.response["note"] == note
    heads["inventory"] = LogHead(5, hashlib.sha256(b"r2").digest(), ())
    assert len(bus.handle(SignCheckpoint("inventory"), AUDITOR).events) == 1


def test_a_chain_finding_is_reported_once():
    bus, _ = world({})
    finding = AuditChainBroken("vaxtrail.inventory.v1", "stock/NAT/LOT-A", 3, b"\x01" * 32, b"\x02" * 32,
                               "0190f5e2-7a3b-7c4d-8e5f-6a7b8c9d0e1f", -1, -1, "inventory", 17,
                               "vaxtrail.inventory.v1.StockIssued", chain.LINK_BROKEN, NOW)
    assert len(bus.handle(ReportChainBroken(finding), AUDITOR).events) == 1
    assert bus.handle(ReportChainBroken(finding), AUDITOR).events == []


def test_a_link_check_names_what_failed():
    h1, h2 = b"\x01" * 32, b"\x02" * 32
    assert chain.check_link(1, chain.GENESIS, h1, h1, None, False).ok
    assert chain.check_link(2, h1, h2, h2, h1, False).ok
    assert chain.check_link(2, h2, h2, h2, h1, False).reason == chain.LINK_BROKEN
    assert chain.check_link(3, h1, h2, h2, None, False).reason == chain.VERSION_GAP
    assert chain.check_link(2, h1, h1, h2, h1, False).reason == chain.HASH_MISMATCH
    assert chain.check_link(2, h1, h2, h2, h1, True).reason == chain.DUPLICATE_VERSION
