"""Our checkpoints and proofs verify with an implementation that is not ours: Go's golang.org/x/mod/sumdb/note
(the signed note) and golang.org/x/mod/sumdb/tlog (inclusion and consistency), in tests/interop/main.go,
which also recomputes the event's chain hash from its envelope and payload. An altered event, a wrong key or
a proof for another leaf fails there - and in ``vaxtrail audit verify-proof``."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from eventkit.envelope import format_time
from services.audit import tree, verify
from services.audit.domain import notes
from vaxtrail_cli import main as cli

from .audit_world import SERVICE, AuditWorld, origin

INTEROP = Path(__file__).resolve().parents[1] / "interop"


@pytest.fixture(scope="module")
def checkproof(tmp_path_factory) -> Path:
    go = shutil.which("go")
    assert go, "Go is required (CI machines have it): the interop check is not optional"
    binary = tmp_path_factory.mktemp("interop") / "checkproof"
    subprocess.run([go, "build", "-o", str(binary), "."], cwd=INTEROP, check=True, timeout=600)
    return binary


@pytest.fixture
def world(infra, database, topic) -> Iterator[AuditWorld]:
    with AuditWorld.running(infra, database, topic(partitions=2)) as w:
        yield w


def event_json(e) -> dict:
    return {"event_id": str(e.event_id), "event_type": e.event_type, "aggregate_type": e.aggregate_type,
            "aggregate_id": e.aggregate_id, "aggregate_version": e.aggregate_version,
            "occurred_at": format_time(e.occurred_at), "recorded_at": format_time(e.recorded_at),
            "producer": e.producer, "actor_id": e.actor_id, "actor_role": e.actor_role,
            "correlation_id": e.correlation_id, "causation_id": e.causation_id,
            "idempotency_key": e.idempotency_key, "payload": base64.b64encode(e.payload).decode(),
            "prev_hash": e.prev_hash.hex()}


@pytest.fixture
def proven(world) -> dict:
    """Two signed checkpoints of a log, one event of the first, its inclusion proof in the second and the
    consistency proof between them, as the Go program reads them."""
    for lot in ("LOT-A", "LOT-B", "LOT-C"):
        world.receive(lot, times=2)
    world.publish()
    world.start()
    world.wait_sealed()
    old = world.checkpoint()["note"]
    for lot in ("LOT-D", "LOT-E"):
        world.receive(lot, times=3)
    world.publish()
    world.wait_sealed()
    new = world.checkpoint()["note"]
    old_size = notes.parse_checkpoint(old[:old.rfind("\n\n") + 1]).size
    new_size = notes.parse_checkpoint(new[:new.rfind("\n\n") + 1]).size
    with psycopg.connect(world.store_url) as conn:
        event = list(verify.store_events(conn))[3]
    with world.audit_pool.connection() as conn:
        index = conn.execute("SELECT leaf_index FROM audit_events WHERE event_id = %s", (event.event_id,)).fetchone()[0]
        inclusion = tree.inclusion(conn, SERVICE, index, new_size)
        consistency = tree.consistency(conn, SERVICE, old_size, new_size)
    return {"verifier_key": world.signer.verifier_key(origin(SERVICE)), "checkpoint": new, "event": event_json(event),
            "leaf_index": index, "inclusion": [base64.b64encode(h).decode() for h in inclusion],
            "old_checkpoint": old, "consistency": [base64.b64encode(h).decode() for h in consistency],
            "_hash": event.hash.hex(), "_sizes": (old_size, new_size)}


def go_verify(binary: Path, case: dict) -> subprocess.CompletedProcess:
    data = json.dumps({k: v for k, v in case.items() if not k.startswith("_")})
    return subprocess.run([str(binary)], input=data, capture_output=True, text=True, timeout=60)


def test_go_verifies_our_checkpoints_and_proofs(checkproof, proven):
    result = go_verify(checkproof, proven)
    assert result.returncode == 0, result.stdout + result.stderr
    old_size, new_size = proven["_sizes"]
    assert f"consistency: tree {old_size} is a prefix of tree {new_size}" in result.stdout
    assert f"(hash {proven['_hash']}) is leaf {proven['leaf_index']}" in result.stdout


def test_go_refuses_an_altered_event(checkproof, proven):
    altered = dict(proven, event=dict(proven["event"], payload=base64.b64encode(b"\x08\x02").decode()))
    result = go_verify(checkproof, altered)
    assert result.returncode == 1 and "tlog.CheckRecord" in result.stdout, result.stdout
    reversioned = dict(proven, event=dict(proven["event"], aggregate_version=proven["event"]["aggregate_version"] + 1))
    assert go_verify(checkproof, reversioned).returncode == 1


def test_go_refuses_another_key_and_a_proof_for_another_leaf(checkproof, proven, world):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from services.audit.signing import Signer

    stranger = Signer(Ed25519PrivateKey.generate()).verifier_key(origin(SERVICE))
    result = go_verify(checkproof, dict(proven, verifier_key=stranger))
    assert result.returncode == 1 and "note.Open" in result.stdout
    moved = go_verify(checkproof, dict(proven, leaf_index=proven["leaf_index"] + 1))
    assert moved.returncode == 1 and "tlog.CheckRecord" in moved.stdout


def test_vaxtrail_audit_verify_proof_checks_the_same_proof_offline(proven, tmp_path, capsys):
    proof = {"event_id": proven["event"]["event_id"], "log": SERVICE, "origin": origin(SERVICE),
             "leaf_index": proven["leaf_index"], "tree_size": proven["_sizes"][1], "leaf_data": proven["_hash"],
             "proof": proven["inclusion"], "checkpoint": proven["checkpoint"], "verifier_key": proven["verifier_key"]}
    path = tmp_path / "proof.json"
    path.write_text(json.dumps(proof))
    key = ["--verifier-key", proven["verifier_key"]]
    assert cli.main(["audit", "verify-proof", "--proof", str(path), *key]) == 0
    assert "OK: event" in capsys.readouterr().out
    other = "00" * 32
    assert cli.main(["audit", "verify-proof", "--proof", str(path), *key, "--leaf-data", other]) == 1
    path.write_text(json.dumps(dict(proof, leaf_data=other)))
    assert cli.main(["audit", "verify-proof", "--proof", str(path), *key]) == 1
    assert "FAILED" in capsys.readouterr().out
    consistency = {"log": SERVICE, "origin": origin(SERVICE), "first": proven["_sizes"][0],
                   "second": proven["_sizes"][1], "proof": proven["consistency"],
                   "first_checkpoint": proven["old_checkpoint"], "second_checkpoint": proven["checkpoint"]}
    path.write_text(json.dumps(consistency))
    assert cli.main(["audit", "verify-proof", "--proof", str(path), *key]) == 0
