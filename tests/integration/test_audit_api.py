"""The audit API over a real audit database: trails and who may read them, the person trail's purpose and
its PersonalDataAccessed, the recall list as CSV, checkpoints and proofs, and no personal data kept."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from eventkit.auth import generate_dev_keypair, mint_token
from eventkit.db import drop_database, ensure_database, migrate
from eventkit.envelope import GENESIS_HASH
from eventkit.settings import Settings
from services.audit import bootstrap
from services.audit.codec import build_codec
from services.audit.domain import merkle, notes
from services.audit.projections.checkpoints import checkpoints
from services.audit.signing import Signer, create_key
from services.audit.workers.sealer import seal
from vaxtrail.allocation.v1 import events_pb2 as allocation
from vaxtrail.certificate.v1 import events_pb2 as certificate
from vaxtrail.immunization.v1 import events_pb2 as immunization
from vaxtrail.inventory.v1 import events_pb2 as inventory
from vaxtrail.registration.v1 import events_pb2 as registration

from .audit_world import envelope, log_event

UVCI = "URN:UVCI:01:VN:ABCDEFGH/2#K"
NAME, NATIONAL_ID = "Lê Văn Tâm", "079123456789"
EVENTS = [
    ("inventory", inventory.DoseReceived(lot_id="LOT-A", location_id="NAT-EPI", doses=100), "stock/NAT-EPI/LOT-A"),
    ("inventory", inventory.ShipmentDispatched(shipment_id="SH-1", from_location_id="NAT-EPI",
                                               to_location_id="SITE-1", lines=[{"lot_id": "LOT-A", "doses": 10}]),
     "SH-1"),
    ("allocation", allocation.SessionPlanned(session_id="S-1", site_id="SITE-1"), "S-1"),
    ("registration", registration.PersonRegistered(person_id="P-1", full_name=NAME, national_id=NATIONAL_ID), "P-1"),
    ("registration", registration.AppointmentScheduled(appointment_id="AP-1", person_id="P-1", session_id="S-1"),
     "AP-1"),
    ("immunization", immunization.PersonCheckedIn(visit_id="V-1", person_id="P-1", session_id="S-1"), "V-1"),
    ("immunization", immunization.DoseAdministered(dose_id="D-1", person_id="P-1", visit_id="V-1", session_id="S-1",
                                                   site_id="SITE-1", lot_id="LOT-A"), "P-1/doses"),
    ("certificate", certificate.CertificateIssued(certificate_id=UVCI, person_id="P-1", dose_ids=["D-1"]), "P-1/c"),
]


@pytest.fixture(scope="module")
def api(infra, tmp_path_factory) -> Iterator[dict]:
    name = f"test_audit_api_{uuid.uuid4().hex[:8]}"
    ensure_database(infra.server_url, name)
    url = infra.database_url(name)
    migrate(url, bootstrap.MIGRATIONS)
    folder = tmp_path_factory.mktemp("audit-api")
    private, public = generate_dev_keypair(folder / "jwt")
    key_file = folder / "checkpoint.pem"
    create_key(key_file)
    with psycopg.connect(url) as conn:
        for position, (service, message, aggregate) in enumerate(EVENTS, start=1):
            log_event(conn, envelope(service, message, position, aggregate, 1, GENESIS_HASH))
        seal(conn, "registration", 10**9, 100)
        for service in ("inventory", "allocation", "immunization", "certificate"):
            seal(conn, service, 10**9, 100)
        unsealed = envelope("immunization", immunization.ObservationCompleted(visit_id="V-1", person_id="P-1"), 99,
                            "V-1/o", 1, GENESIS_HASH)
        log_event(conn, unsealed)
    settings = Settings(service="audit", database_url=url, kafka_bootstrap="unused:0", env="local",
                        state_dir=str(folder), jwt_public_key_file=str(public))
    patch = pytest.MonkeyPatch()
    patch.setenv("AUDIT_SIGNING_KEY_FILE", str(key_file))
    app = bootstrap.WIRING.create_app(settings)
    try:
        yield {"client": app.test_client(), "url": url, "private": Path(private).read_bytes(),
               "signer": Signer.load(key_file), "unsealed": str(unsealed.event_id)}
    finally:
        patch.undo()
        app.extensions["runtime"].close()
        drop_database(infra.server_url, name)


def call(api, path: str, role: str = "auditor", method: str = "GET", **kwargs):
    headers = dict(kwargs.pop("headers", {}))
    if role:
        token = mint_token(api["private"], subject=f"{role}-1", role=role, scopes=["national"])
        headers["Authorization"] = f"Bearer {token}"
    return api["client"].open(path, method=method, headers=headers, **kwargs)


def audit_events(api) -> list[str]:
    with psycopg.connect(api["url"]) as conn:
        return [r[0] for r in conn.execute("SELECT event_type FROM events ORDER BY position").fetchall()]


def test_a_doses_trail_spans_the_five_services_with_each_steps_envelope(api):
    response = call(api, "/v1/doses/D-1/trail")
    assert response.status_code == 200, response.json
    trail = response.json
    assert trail["services"] == ["allocation", "certificate", "immunization", "inventory", "registration"]
    names = [s["event_type"].rsplit(".", 1)[-1] for s in trail["steps"]]
    assert names == ["DoseReceived", "ShipmentDispatched", "SessionPlanned", "AppointmentScheduled",
                     "PersonCheckedIn", "DoseAdministered", "CertificateIssued", "ObservationCompleted"]
    assert trail["steps"][-1]["leaf_index"] is None  # logged, not sealed yet
    step = trail["steps"][5]
    assert step["chain_verified"] and trail["chain_verified"]
    assert set(step) == {"service", "event_id", "event_type", "business_time", "recorded_time", "actor",
                         "aggregate_type", "aggregate_id", "aggregate_version", "payload_sha256", "hash",
                         "log_position", "leaf_index", "chain_verified"}
    assert step["log_position"] == 7 and step["leaf_index"] == 1


@pytest.mark.parametrize("role", ["analyst", "national_admin"])
def test_analysts_and_national_admins_read_dose_lot_and_certificate_trails(api, role):
    for path in ("/v1/doses/D-1/trail", "/v1/lots/LOT-A/trail", f"/v1/certificates/{UVCI.replace('#', '%23')}/trail"):
        assert call(api, path, role).status_code == 200, path


def test_a_certificate_trail_holds_the_dose_it_attests(api):
    trail = call(api, f"/v1/certificates/{UVCI.replace('#', '%23')}/trail").json
    assert [s["event_type"].rsplit(".", 1)[-1] for s in trail["steps"]] == ["DoseAdministered", "CertificateIssued"]


@pytest.mark.parametrize(("role", "status"), [(None, 401), ("vaccinator", 403), ("citizen", 403)])
def test_others_may_not_read_trails(api, role, status):
    assert call(api, "/v1/doses/D-1/trail", role).status_code == status


def test_a_person_trail_needs_a_purpose_and_is_recorded_and_analysts_may_not_read_it(api):
    before = audit_events(api)
    assert call(api, "/v1/persons/P-1/trail", "analyst", headers={"X-Purpose": "INVESTIGATION"}).status_code == 403
    missing = call(api, "/v1/persons/P-1/trail")
    assert missing.status_code == 400 and missing.json["field"] == "X-Purpose"
    unknown = call(api, "/v1/persons/P-404/trail", headers={"X-Purpose": "INVESTIGATION"})
    assert unknown.status_code == 404
    assert audit_events(api) == before
    read = call(api, "/v1/persons/P-1/trail?purpose=INVESTIGATION")
    assert read.status_code == 200
    assert {"PersonRegistered", "DoseAdministered", "CertificateIssued"} <= {
        s["event_type"].rsplit(".", 1)[-1] for s in read.json["steps"]}
    assert audit_events(api) == [*before, "vaxtrail.audit.v1.PersonalDataAccessed"]


def test_the_lot_recall_list_comes_as_json_and_as_csv(api):
    trail = call(api, "/v1/lots/LOT-A/trail").json
    assert trail["recall"] == [{"dose_id": "D-1", "person_id": "P-1", "site_id": "SITE-1", "session_id": "S-1",
                                "administered_at": trail["recall"][0]["administered_at"], "dose_status": "GIVEN",
                                "certificates": [{"certificate_id": UVCI, "status": "ACTIVE"}]}]
    for response in (call(api, "/v1/lots/LOT-A/trail", headers={"Accept": "text/csv"}),
                     call(api, "/v1/lots/LOT-A/trail?format=csv")):
        assert response.status_code == 200 and response.mimetype == "text/csv"
        lines = response.text.splitlines()
        assert lines[0] == "dose_id,person_id,site_id,session_id,administered_at,dose_status,certificates"
        assert lines[1].startswith("D-1,P-1,SITE-1,S-1,") and lines[1].endswith(f",GIVEN,{UVCI}:ACTIVE")


@pytest.mark.parametrize(("query", "status", "field"), [
    ("format=xml", 422, "format"), ("purpose=CARE", 422, "purpose"), ("format=csv&format=json", 400, "format")])
def test_a_malformed_query_is_a_problem_naming_the_field(api, query, status, field):
    response = call(api, f"/v1/doses/D-1/trail?{query}")
    assert response.status_code == status, response.json
    assert field in str(response.json)


def test_no_name_or_id_number_is_kept(api):
    with psycopg.connect(api["url"]) as conn:
        dump = str(conn.execute("SELECT array_agg(e::text) FROM audit_events e").fetchone()[0])
        dump += str(conn.execute("SELECT array_agg(l::text) FROM audit_links l").fetchone()[0])
    assert "P-1" in dump
    assert NAME not in dump and NATIONAL_ID not in dump


def test_checkpoints_are_signed_on_demand_by_auditors_and_published(api):
    assert call(api, "/v1/checkpoints", "analyst", method="POST", json={}).status_code == 403
    assert call(api, "/v1/checkpoints", method="POST", json={"logs": ["nowhere"]}).status_code == 422
    signed = call(api, "/v1/checkpoints", method="POST", json={})
    assert signed.status_code == 201, signed.json
    assert call(api, "/v1/checkpoints", "national_admin", method="POST", json={}).status_code == 200
    public = base64.b64decode(signed.json["public_key"])
    assert public == api["signer"].public_key
    for checkpoint in signed.json["checkpoints"]:
        body = notes.open_note(checkpoint["note"], checkpoint["origin"], public)
        assert notes.parse_checkpoint(body).size == checkpoint["tree_size"]
        assert notes.parse_verifier_key(checkpoint["verifier_key"]) == (checkpoint["origin"], public)
    _project_checkpoints(api)
    latest = api["client"].get("/v1/checkpoints/latest")  # no token: checkpoints are public
    assert latest.status_code == 200
    assert {c["log"]: c["tree_size"] for c in latest.json["checkpoints"]} == {
        "inventory": 2, "allocation": 1, "registration": 2, "immunization": 2, "certificate": 1}


def _project_checkpoints(api) -> None:
    """What the worker's ``audit_checkpoints`` projection does with the appended events."""
    codec = build_codec()
    projection = checkpoints(codec)
    with psycopg.connect(api["url"]) as conn:
        rows = conn.execute("SELECT event_type, payload FROM events WHERE event_type LIKE '%%CheckpointSigned'"
                            ).fetchall()
        for event_type, payload in rows:
            projection.handlers[event_type](conn, None, codec.decode(event_type, bytes(payload)))


def test_an_inclusion_proof_verifies_against_the_signed_checkpoint(api):
    call(api, "/v1/checkpoints", method="POST", json={})
    _project_checkpoints(api)
    dose = call(api, "/v1/doses/D-1/trail").json["steps"][5]
    proof = call(api, f"/v1/proofs/inclusion?event_id={dose['event_id']}")
    assert proof.status_code == 200, proof.json
    body = proof.json
    checkpoint = notes.parse_checkpoint(notes.open_note(body["checkpoint"], body["origin"],
                                                        api["signer"].public_key))
    assert body["leaf_data"] == dose["hash"]
    merkle.verify_inclusion(merkle.leaf_hash(bytes.fromhex(body["leaf_data"])), body["leaf_index"], checkpoint.size,
                            [base64.b64decode(h) for h in body["proof"]], checkpoint.root)
    consistency = call(api, "/v1/proofs/consistency?service=immunization&first=1&second=2")
    assert consistency.status_code == 200
    merkle.verify_consistency(1, 2, base64.b64decode(consistency.json["first_root"]), checkpoint.root,
                              [base64.b64decode(h) for h in consistency.json["proof"]])


def test_an_unknown_or_unsealed_event_has_no_proof_yet(api):
    assert call(api, f"/v1/proofs/inclusion?event_id={uuid.uuid4()}").status_code == 404
    unsealed = call(api, f"/v1/proofs/inclusion?event_id={api['unsealed']}")
    assert unsealed.status_code == 409 and unsealed.json["rule"] == "not-sealed"
    beyond = call(api, "/v1/proofs/consistency?service=immunization&first=1&second=99")
    assert beyond.status_code == 409
    assert call(api, "/v1/proofs/consistency?service=immunization&first=x&second=2").status_code == 422


@pytest.mark.parametrize("event_id", ["0", "D-1", "not-a-uuid-at-all"])
def test_an_event_id_that_is_no_uuid_is_a_validation_problem_not_a_database_error(api, event_id):
    """Found by fuzzing: ``?event_id=0`` reached PostgreSQL's uuid column and came back as a 422
    ``database-value`` (undocumented on that route); now pydantic refuses it first, naming the field."""
    response = call(api, f"/v1/proofs/inclusion?event_id={event_id}")
    assert response.status_code == 422, response.json
    assert (response.json["type"], response.json["rule"], response.json["field"]) == (
        "urn:vaxtrail:problem:validation-failed", "uuid_parsing", "event_id")
