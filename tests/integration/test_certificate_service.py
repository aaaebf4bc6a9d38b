"""The certificate service against the real stack (PostgreSQL, Kafka, gunicorn web + worker).

Other services' events are published to their topics as those services would (certificate_world.py);
the certificate worker projects them, the issuer signs, and the citizen reads the result over HTTP.
"""

from __future__ import annotations

import functools
import io
import json
import uuid
from datetime import UTC, datetime, timedelta

import psycopg
import requests
import zxingcpp
from PIL import Image
from psycopg_pool import ConnectionPool

from eventkit.aggregates import EventSourcing
from eventkit.store.postgres import PostgresEventStore
from services.certificate import bootstrap, queries
from services.certificate import verify as offline_verifier
from services.certificate.codec import build_codec
from services.certificate.formats.factory import CertificateFactory
from services.certificate.handlers import Deps
from services.certificate.signing.keyring import load_keyring
from services.certificate.workers.issuer import Issuer
from vaxtrail_cli.main import main as cli_main

from .certificate_procs import (
    AZ,
    a_person_with_a_certificate,
    bearer,
    certificate,
    citizen,
    current,
    events_of,
    new_person,
    record,
    restart_worker,
    world,
)
from .kafka_helpers import wait_for

__all__ = ["certificate", "world"]  # module-scoped fixtures shared by the certificate test modules


def verifier_args(service, at: str | None = None) -> list[str]:
    args = ["--sync", service.base_url, "--cache", str(service.workdir / "verifier")]
    return args + (["--at", at] if at else [])


def test_two_doses_give_a_partial_then_a_complete_certificate_whose_qr_verifies_offline(certificate, world, capsys):
    person_id, lot, lot_number = new_person(world)
    world.dose(person_id, f"{person_id}-D1", 1, datetime(2021, 6, 1, 3, tzinfo=UTC), lot_id=lot, lot_number=lot_number,
               presentation_id=AZ)
    world.next_dose(person_id)
    partial = wait_for(lambda: current(certificate, person_id, "PARTIAL"), what="a partial certificate")
    assert partial["next_dose"]["due_date"] == "2021-08-24"
    assert [d["dose_id"] for d in partial["doses"]] == [f"{person_id}-D1"]

    world.dose(person_id, f"{person_id}-D2", 2, datetime(2021, 8, 24, 3, tzinfo=UTC), lot_id=lot,
               lot_number=lot_number, presentation_id=AZ)
    def superseded():  # "current" and each certificate's status come from two projections: wait for both
        found = current(certificate, person_id, "COMPLETE")
        statuses = {(c["level"], c["format"]): c["status"] for c in (found or {}).get("certificates", [])}
        return found if statuses.get(("PARTIAL", "EU_DCC_HC1")) == "SUPERSEDED" else None

    complete = wait_for(superseded, what="a complete certificate superseding the partial one")
    statuses = {(c["level"], c["format"]): c["status"] for c in complete["certificates"]}
    assert statuses[("COMPLETE", "EU_DCC_HC1")] == "ACTIVE"

    png = requests.get(certificate.url(f"/v1/persons/{person_id}/certificate.png"),
                       headers=citizen(certificate, person_id), timeout=5)
    assert png.status_code == 200 and png.headers["Content-Type"] == "image/png"
    [decoded] = [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(png.content)))]
    assert decoded == complete["current"]["EU_DCC_HC1"]["qr"]
    assert offline_verifier.main([decoded, *verifier_args(certificate)]) == 0
    verified = json.loads(capsys.readouterr().out)
    assert verified["certificate_id"] == complete["current"]["EU_DCC_HC1"]["certificate_id"]
    assert verified["entries"][0]["dn"] == 2

    pdf = requests.get(certificate.url(f"/v1/persons/{person_id}/certificate.pdf"),
                       params={"format": "SMART_HEALTH_CARD"}, headers=citizen(certificate, person_id), timeout=5)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_a_dose_entered_in_error_revokes_and_reissues(certificate, world, capsys):
    person_id, lot, lot_number = new_person(world)
    world.dose(person_id, f"{person_id}-D1", 1, datetime(2021, 6, 1, 3, tzinfo=UTC), lot_id=lot,
               lot_number=lot_number, presentation_id=AZ)
    wait_for(lambda: current(certificate, person_id, "PARTIAL"), what="a partial certificate")
    second = world.dose(person_id, f"{person_id}-D2", 2, datetime(2021, 8, 24, 3, tzinfo=UTC), lot_id=lot,
                        lot_number=lot_number, presentation_id=AZ)
    complete = wait_for(lambda: current(certificate, person_id, "COMPLETE"), what="a complete certificate")
    revoked_qr = complete["current"]["EU_DCC_HC1"]["qr"]

    world.entered_in_error(person_id, second, f"{person_id}-D2")
    after = wait_for(lambda: current(certificate, person_id, "PARTIAL"), what="the partial certificate again")
    statuses = {c["certificate_id"]: (c["level"], c["status"], c["reason"]) for c in after["certificates"]}
    assert statuses[complete["current"]["EU_DCC_HC1"]["certificate_id"]] == (
        "COMPLETE", "REVOKED", "DOSE_ENTERED_IN_ERROR")

    # the worker's list publisher publishes the next revocation list version (RevocationListPublished) within a
    # second or so: the verifier rejects the revoked certificate once it syncs that version
    def rejected_as_revoked() -> bool:
        code = offline_verifier.main([revoked_qr, *verifier_args(certificate)])
        out = capsys.readouterr().out  # read every time: a "valid" answer before publication is consumed too
        return code == 1 and json.loads(out)["reason"] == "REVOKED"

    wait_for(rejected_as_revoked, what="the revocation list to list the certificate", interval=0.2)
    answer = requests.post(certificate.url("/v1/verify"), json={"qr": revoked_qr},
                           headers=bearer(certificate, "partner", "national"), timeout=5).json()
    assert (answer["valid"], answer["reason"]) == (False, "REVOKED")
    good = requests.post(certificate.url("/v1/verify"), json={"qr": after["current"]["EU_DCC_HC1"]["qr"]},
                         headers=bearer(certificate, "partner", "national"), timeout=5).json()
    assert good["valid"] is True


def test_reprocessing_every_dose_event_never_issues_a_second_certificate(certificate, world, infra, monkeypatch):
    person_id, lot, lot_number = new_person(world)
    world.dose(person_id, f"{person_id}-D1", 1, datetime(2021, 6, 1, 3, tzinfo=UTC), lot_id=lot,
               lot_number=lot_number, presentation_id=AZ)
    wait_for(lambda: current(certificate, person_id, "PARTIAL"), what="a partial certificate")
    issued = events_of(certificate, "vaxtrail.certificate.v1.CertificateIssued", f"certificates:{person_id}")
    assert issued == 2
    everything = {kind: events_of(certificate, f"vaxtrail.certificate.v1.{kind}")
                  for kind in ("CertificateIssued", "CertificateRevoked", "CertificateReissued")}

    monkeypatch.setenv("DATABASE_URL", infra.server_url)
    monkeypatch.setenv("CERTIFICATE_DATABASE_URL", certificate.database_url)
    monkeypatch.setenv("KAFKA_BOOTSTRAP", infra.kafka_bootstrap)
    monkeypatch.setenv("VAXTRAIL_ENV", "local")
    monkeypatch.setenv("VAXTRAIL_STATE_DIR", str(certificate.workdir))
    monkeypatch.setenv("CERTIFICATE_KEYS_DIR", str(certificate.keys))
    assert cli_main(["rebuild", "certificate", "canonical_records"]) == 0

    def replayed_and_drained() -> bool:
        with psycopg.connect(certificate.database_url) as conn:
            doses = conn.execute("SELECT count(*) FROM record_doses WHERE person_id = %s", (person_id,)).fetchone()[0]
            pending = conn.execute("SELECT count(*) FROM certificate_pending").fetchone()[0]
        return doses == 1 and pending == 0

    wait_for(replayed_and_drained, timeout=60, what="the record replayed and every person re-synchronised")
    assert events_of(certificate, "vaxtrail.certificate.v1.CertificateIssued", f"certificates:{person_id}") == issued
    # every person of the earlier tests was re-synchronised too: nothing new for anyone
    assert {kind: events_of(certificate, f"vaxtrail.certificate.v1.{kind}") for kind in everything} == everything


def test_a_suspended_lot_suspends_and_its_release_reinstates(certificate, world):
    person_id, lot, lot_number = new_person(world)
    world.dose(person_id, f"{person_id}-D1", 1, datetime(2021, 6, 1, 3, tzinfo=UTC), lot_id=lot,
               lot_number=lot_number, presentation_id=AZ)
    wait_for(lambda: current(certificate, person_id, "PARTIAL"), what="a partial certificate")
    world.lot_decision("LotSuspended", lot)
    wait_for(lambda: (record(certificate, person_id) or {}).get("current", {}).get("EU_DCC_HC1", {}).get("status")
             == "SUSPENDED", what="the certificate suspended")
    world.lot_decision("LotReleased", lot)
    wait_for(lambda: (record(certificate, person_id) or {}).get("current", {}).get("EU_DCC_HC1", {}).get("status")
             == "ACTIVE", what="the certificate reinstated")


# -- HTTP: manual revocation (INV-33, INV-34) ------------------------------------------------------------
def test_a_revocation_is_final_a_second_one_is_refused_and_writes_nothing(certificate, world):
    person_id, found = a_person_with_a_certificate(certificate, world)
    target = found["current"]["EU_DCC_HC1"]["certificate_id"]
    admin = bearer(certificate, "national_admin", "national") | {"Idempotency-Key": f"rev-{uuid.uuid4().hex}"}
    body = {"person_id": person_id, "certificate_id": target, "reason": "FRAUD"}
    first = requests.post(certificate.url("/v1/revocations"), json=body, headers=admin, timeout=5)
    again = requests.post(certificate.url("/v1/revocations"), json=body, headers=admin, timeout=5)
    assert (first.status_code, again.status_code) == (201, 200) and again.headers["Idempotent-Replayed"] == "true"
    stream = f"certificates:{person_id}"
    assert again.json() == first.json()
    assert {k: v for k, v in first.json().items() if k != "event_ids"} == {
        "id": stream, "versions": {stream: first.json()["versions"][stream]}, "person_id": person_id,
        "certificate_id": target}
    assert len(first.json()["event_ids"]) == 1
    revoked = events_of(certificate, "vaxtrail.certificate.v1.CertificateRevoked", f"certificates:{person_id}")
    assert revoked == 1  # INV-34: the retry appended nothing

    twice = requests.post(certificate.url("/v1/revocations"), json=body,
                          headers=bearer(certificate, "national_admin", "national"), timeout=5)
    assert twice.status_code == 422 and twice.headers["Content-Type"] == "application/problem+json"
    assert (twice.json()["rule"], twice.json()["field"]) == ("INV-33", "certificate_id")
    assert events_of(certificate, "vaxtrail.certificate.v1.CertificateRevoked", f"certificates:{person_id}") == 1

    with psycopg.connect(certificate.database_url) as conn:
        before = conn.execute("SELECT count(*) FROM events WHERE aggregate_id = %s", (stream,)).fetchone()[0]
    wrong = requests.post(certificate.url("/v1/revocations"), json=body | {"certificate_id": "URN:UVCI:01:VN:X#1"},
                          headers=bearer(certificate, "national_admin", "national"), timeout=5)
    assert wrong.status_code == 422 and wrong.headers["Content-Type"] == "application/problem+json"
    assert (wrong.json()["rule"], wrong.json()["field"]) == ("INV-32", "certificate_id")
    outsider = requests.post(certificate.url("/v1/revocations"), json=body,
                             headers=bearer(certificate, "national_admin", "province:79"), timeout=5)
    assert outsider.status_code == 403 and outsider.headers["Content-Type"] == "application/problem+json"
    with psycopg.connect(certificate.database_url) as conn:
        assert conn.execute("SELECT count(*) FROM events WHERE aggregate_id = %s", (stream,)).fetchone()[0] == before


def test_trust_material_is_public_and_verification_needs_a_token(certificate):
    trust = requests.get(certificate.url("/v1/trust-list"), timeout=5).json()
    assert trust["version"] == 1 and trust["signed"].count(".") == 2
    assert requests.get(certificate.url("/v1/revocation-list"), timeout=5).status_code == 200
    keys = requests.get(certificate.url("/.well-known/jwks.json"), timeout=5).json()["keys"]
    assert keys and keys[0]["alg"] == "ES256"
    crl = requests.get(certificate.url(f"/.well-known/crl/{keys[0]['kid']}.json"), timeout=5).json()
    assert crl["method"] == "rid"
    assert requests.post(certificate.url("/v1/verify"), json={"qr": "HC1:"}, timeout=5).status_code == 401
    answer = requests.post(certificate.url("/v1/verify"), json={"qr": "hc1:NCF"},
                           headers=bearer(certificate, "partner", "national"), timeout=5).json()
    assert (answer["valid"], answer["reason"]) == (False, "PREFIX")


def test_the_worker_records_the_keys_it_signs_with(certificate):
    wait_for(lambda: events_of(certificate, "vaxtrail.certificate.v1.SigningKeyActivated") == 2,
             what="both signing keys recorded")
    assert events_of(certificate, "vaxtrail.certificate.v1.TrustListPublished") == 1


def test_a_person_merge_revokes_the_merged_persons_certificates_and_certifies_the_survivor(certificate, world):
    merged_id, _ = a_person_with_a_certificate(certificate, world)
    surviving_id = f"P-{uuid.uuid4().hex[:10]}"
    world.person(surviving_id)
    world.merge(surviving_id, merged_id)
    survivor = wait_for(lambda: current(certificate, surviving_id, "PARTIAL"), what="the survivor's certificate")
    assert [d["dose_id"] for d in survivor["doses"]] == [f"{merged_id}-D1"]

    def merged_revoked():
        with psycopg.connect(certificate.database_url) as conn:
            rows = conn.execute("SELECT status, reason FROM certificate_view WHERE person_id = %s",
                                (merged_id,)).fetchall()
        return rows and all(r == ("REVOKED", "IDENTITY_MERGE") for r in rows)

    wait_for(merged_revoked, what="the merged person's certificates revoked")


def test_a_corrected_dose_revokes_the_certificate_and_reissues_it_with_the_corrected_facts(certificate, world):
    person_id, lot, lot_number = new_person(world)
    first = world.dose(person_id, f"{person_id}-D1", 1, datetime(2021, 6, 1, 3, tzinfo=UTC), lot_id=lot,
                       lot_number=lot_number, presentation_id=AZ)
    before = wait_for(lambda: current(certificate, person_id, "PARTIAL"), what="a partial certificate")
    old_id = before["current"]["SMART_HEALTH_CARD"]["certificate_id"]
    world.corrected(person_id, first, f"{person_id}-D1", "lot_number", lot_number, "ABV9999")

    def reissued():
        found = current(certificate, person_id, "PARTIAL")
        return found if found and found["current"]["SMART_HEALTH_CARD"]["certificate_id"] != old_id else None

    after = wait_for(reissued, what="the corrected certificate")
    assert {c["certificate_id"]: c["reason"] for c in after["certificates"]}[old_id] == "DOSE_CORRECTED"
    assert after["doses"][0]["lot_number"] == "ABV9999"
    answer = requests.post(certificate.url("/v1/verify"), json={"qr": after["current"]["SMART_HEALTH_CARD"]["qr"]},
                           headers=bearer(certificate, "partner", "national"), timeout=5).json()
    assert answer["valid"] and answer["entries"][0]["lotNumber"] == "ABV9999"


def test_a_dose_recorded_from_a_foreign_certificate_counts_towards_the_series(certificate, world):
    person_id, lot, lot_number = new_person(world)
    world.historical(person_id, f"{person_id}-H1", "Comirnaty", "2021-05-03", "DE")
    partial = wait_for(lambda: current(certificate, person_id, "PARTIAL"), what="a certificate for the foreign dose")
    verified = requests.post(certificate.url("/v1/verify"), json={"qr": partial["current"]["EU_DCC_HC1"]["qr"]},
                             headers=bearer(certificate, "partner", "national"), timeout=5).json()
    assert (verified["entries"][0]["co"], verified["entries"][0]["mp"]) == ("DE", "EU/1/20/1528")
    world.dose(person_id, f"{person_id}-D2", 2, datetime(2021, 6, 1, 3, tzinfo=UTC), lot_id=lot,
               lot_number=lot_number, presentation_id=AZ)
    wait_for(lambda: current(certificate, person_id, "COMPLETE"), what="complete after a local second dose")

def test_a_certificate_close_to_its_expiry_is_renewed_with_a_new_uvci(certificate, world):
    person_id, found = a_person_with_a_certificate(certificate, world)
    old_id = found["current"]["EU_DCC_HC1"]["certificate_id"]
    eleven_months_later = datetime.now(UTC) + timedelta(days=340)
    with ConnectionPool(certificate.database_url, min_size=1, max_size=3) as pool:
        keyring = load_keyring(certificate.keys)
        later = Deps(clock=lambda: eleven_months_later, country="VN", keyring=keyring,
                     sign=CertificateFactory(keyring, issuer_name="MOH", shc_issuer_url=certificate.base_url).sign,
                     keep_documents=functools.partial(queries.keep_documents, pool))
        es = EventSourcing(PostgresEventStore(pool), build_codec(), producer="certificate/test")
        issuer = Issuer(pool, bootstrap.bus(es, later), clock=lambda: eleven_months_later)
        assert issuer.mark_expiring() >= 0  # the scan runs; the worker may drain the marks itself
        with pool.connection() as conn:
            result = issuer.synchronise_person(conn, person_id)
    assert [e.event_type.rsplit(".", 1)[1] for e in result.events] == ["CertificateIssued", "CertificateReissued"] * 2
    def renewed_record():
        found = record(certificate, person_id)
        current_id = (found or {}).get("current", {}).get("EU_DCC_HC1", {}).get("certificate_id")
        statuses = {c["certificate_id"]: c["status"] for c in (found or {}).get("certificates", [])}
        # "current" and the old certificate's status come from two projections: wait for both
        return found if current_id not in (None, old_id) and statuses.get(old_id) == "SUPERSEDED" else None

    renewed = wait_for(renewed_record, what="the renewed certificate")
    statuses = {c["certificate_id"]: c["status"] for c in renewed["certificates"]}
    assert statuses[old_id] == "SUPERSEDED" and renewed["current"]["EU_DCC_HC1"]["level"] == "PARTIAL"

def test_a_worker_killed_mid_stream_issues_every_certificate_exactly_once(certificate, world):
    people = [new_person(world) for _ in range(12)]
    for person_id, lot, lot_number in people:
        world.dose(person_id, f"{person_id}-D1", 1, datetime(2021, 6, 1, 3, tzinfo=UTC), lot_id=lot,
                   lot_number=lot_number, presentation_id=AZ)
    wait_for(lambda: any(current(certificate, p, "PARTIAL") for p, _, _ in people), what="the first certificate")
    restart_worker(certificate, certificate.workdir)
    for person_id, _, _ in people:
        wait_for(lambda p=person_id: current(certificate, p, "PARTIAL"), timeout=60, what=f"{person_id} certified")
    with psycopg.connect(certificate.database_url) as conn:
        counts = conn.execute(
            "SELECT aggregate_id, count(*) FROM events WHERE event_type = 'vaxtrail.certificate.v1.CertificateIssued'"
            " AND aggregate_id = ANY(%s) GROUP BY aggregate_id", ([f"certificates:{p}" for p, _, _ in people],)
        ).fetchall()
        documents = conn.execute("SELECT count(*) FROM certificate_documents WHERE person_id = ANY(%s)",
                                 ([p for p, _, _ in people],)).fetchone()[0]
    assert sorted(n for _, n in counts) == [2] * len(people) and documents == 2 * len(people)
