"""``vaxtrail export``: real topics on the real broker -> Parquet + DuckDB, read back with DuckDB.

What comes back is exactly what the topics hold (every record, each event once in its type's view), person
ids pseudonymised with the export key, no direct identifier anywhere unless a national_admin token asks; an
export killed mid-way and run again ends with every record exactly once.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from eventkit.auth import generate_dev_keypair, mint_token
from eventkit.kafka import make_producer
from vaxtrail.audit.v1 import events_pb2 as audit_pb2
from vaxtrail.common.v1 import types_pb2 as common_pb2
from vaxtrail.immunization.v1 import events_pb2 as immunization_pb2
from vaxtrail.registration.v1 import events_pb2 as registration_pb2
from vaxtrail_cli.main import main

from .analysts_support import cli_env, publish
from .kafka_helpers import read_topic, wait_for

NAME, PHONE, NATIONAL_ID, LINE = "Phạm Thị Hồng Nhung", "+84912000111", "079185000111", "12 Lê Lợi"


def _people(n: int):
    for i in range(n):
        person = f"P-EXPORT-{i:04d}"
        yield "person", person, registration_pb2.PersonRegistered(
            person_id=person, national_id=f"{NATIONAL_ID[:-4]}{i:04d}", national_id_kind="CITIZEN_ID",
            full_name=NAME, date_of_birth=f"{1950 + i % 50}-03-14", sex="FEMALE", phone=PHONE,
            address=common_pb2.Address(province_code="79", district_code="760", commune_code="26734",
                                       address_line=LINE), channel="APP", registered_by=f"citizen-{i}",
            registered_by_kind="ACTOR", account_id=f"citizen-{i}")


@pytest.fixture
def key_file(tmp_path) -> Path:
    path = tmp_path / "export.key"
    path.write_text("k" * 64)
    return path


def _pseudonym(key: bytes, value: str) -> str:
    return "ps_" + hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:32]


def test_an_export_read_back_with_duckdb_holds_exactly_the_topics_events_pseudonymised(
        infra, topic, tmp_path, monkeypatch, key_file, capsys):
    registrations, immunizations = topic(3), topic(2)
    people = publish(infra.kafka_bootstrap, registrations, list(_people(5)), copies=1)
    corrected = publish(infra.kafka_bootstrap, registrations, [("person", "P-EXPORT-0000", registration_pb2.PersonDetailsCorrected(
        person_id="P-EXPORT-0000", changes=[common_pb2.FieldChange(field="full_name", old_value=NAME, new_value="X"),
                                            common_pb2.FieldChange(field="date_of_birth", old_value="1950-03-14",
                                                                   new_value="1951-03-14")]))])
    doses = publish(infra.kafka_bootstrap, immunizations, [
        ("dose_record", "P-EXPORT-0001", immunization_pb2.DoseAdministered(
            dose_id="D-1", person_id="P-EXPORT-0001", site_id="S-79-760-01", lot_id="LOT-1", dose_number=1,
            performer_id="vaccinator-7")),
        ("access", "access/1", audit_pb2.PersonalDataAccessed(actor_id="officer-1", actor_role="province_officer",
                                                              subject_person_id="P-EXPORT-0002"))],
        producer="immunization/test", copies=2)  # every record twice: the relay's duplicates
    sender = make_producer(infra.kafka_bootstrap, client_id="analysts-garbage")
    sender.send(registrations, key=b"x", value=b"not an event").get(timeout=30)
    sender.close()

    cli_env(monkeypatch, tmp_path, bootstrap=infra.kafka_bootstrap)
    out = tmp_path / "export"
    assert main(["export", "--out", str(out), "--topics", f"{registrations},{immunizations}",
                 "--key-file", str(key_file)]) == 0
    assert "1 record(s) without an envelope skipped" in capsys.readouterr().out

    con = duckdb.connect(str(out / "vaxtrail.duckdb"), read_only=True)
    expected = {(r.topic, r.partition, r.offset) for t in (registrations, immunizations) for r in read_topic(
        infra.kafka_bootstrap, t) if r.value != b"not an event"}
    assert set(con.execute("SELECT kafka_topic, kafka_partition, kafka_offset FROM records").fetchall()) == expected
    assert con.execute("SELECT count(*) FROM records").fetchone()[0] == len(expected) == 6 + 4
    assert sorted(r[0] for r in con.execute("SELECT event_id FROM events").fetchall()) == sorted(
        str(e.event_id) for e in [*people, *corrected, *doses])  # 6 registrations + 2 distinct immunization
    service = registrations.replace(".", "_")  # a test topic test.<id>: views are named test_<id>_<type>
    views = {v for (v,) in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
    assert f"{service}_person_registered" in views

    key = key_file.read_text().strip().encode()
    row = con.execute(f"SELECT person_id, birth_year, address_province_code, address_district_code, account_id,"
                      f" actor_id, aggregate_id FROM {service}_person_registered WHERE birth_year = 1950").fetchone()
    assert row == (_pseudonym(key, "P-EXPORT-0000"), 1950, "79", "760", _pseudonym(key, "citizen-0"),
                   _pseudonym(key, "actor-of-P-EXPORT-0000"), _pseudonym(key, "P-EXPORT-0000"))
    columns = {c for (c,) in con.execute(f"SELECT column_name FROM (DESCRIBE {service}_person_registered)").fetchall()}
    assert not columns & {"full_name", "national_id", "phone", "address_line", "commune_code", "date_of_birth"}
    changes = con.execute(f"SELECT changes FROM {service}_person_details_corrected").fetchone()[0]
    assert changes == [{"field": "full_name", "old_value": None, "new_value": None},
                       {"field": "date_of_birth", "old_value": "1950", "new_value": "1951"}]
    dose = con.execute(f"SELECT person_id, performer_id FROM {immunizations.replace('.', '_')}_dose_administered"
                       ).fetchone()
    assert dose == (_pseudonym(key, "P-EXPORT-0001"), _pseudonym(key, "vaccinator-7"))
    # no identifier anywhere in any file, whatever the column
    for path in out.rglob("*.parquet"):
        text = json.dumps(pq.read_table(path).to_pylist(), default=str, ensure_ascii=False)
        assert NAME not in text and PHONE not in text and NATIONAL_ID[:-4] not in text and LINE not in text
        assert "P-EXPORT-" not in text


def test_identifiers_need_a_national_admin_token_and_then_come_out_in_clear(infra, topic, tmp_path, monkeypatch,
                                                                             key_file, capsys):
    registrations = topic(1)
    publish(infra.kafka_bootstrap, registrations, list(_people(2)))
    private, public = generate_dev_keypair(tmp_path / "keys")
    cli_env(monkeypatch, tmp_path, bootstrap=infra.kafka_bootstrap)
    monkeypatch.setenv("DATABASE_URL", infra.server_url)
    monkeypatch.setenv("JWT_PUBLIC_KEY_FILE", str(public))
    signer = Path(private).read_bytes()
    out = tmp_path / "clear"
    argv = ["export", "--out", str(out), "--topics", registrations, "--identifiers", "--token"]
    analyst = mint_token(signer, subject="analyst-1", role="analyst", scopes=["national"])
    assert main([*argv, analyst]) == 1
    assert "needs role national_admin" in capsys.readouterr().err
    province_admin = mint_token(signer, subject="admin-79", role="national_admin", scopes=["province:79"])
    assert main([*argv, province_admin]) == 1
    assert "needs national scope" in capsys.readouterr().err
    assert main([*argv, "not-a-token"]) == 1
    assert not out.exists() or not any(out.rglob("*.parquet"))

    admin = mint_token(signer, subject="admin-national", role="national_admin", scopes=["national"])
    assert main([*argv, admin]) == 0
    con = duckdb.connect(str(out / "vaxtrail.duckdb"), read_only=True)
    service = registrations.replace(".", "_")
    assert con.execute(f"SELECT DISTINCT full_name, person_id LIKE 'P-EXPORT-%', date_of_birth IS NOT NULL"
                       f" FROM {service}_person_registered").fetchall() == [(NAME, True, True)]
    state = json.loads((out / "export-state.json").read_text())
    assert state["privacy"] == {"mode": "identifiers", "exported_by": "admin-national", "role": "national_admin"}
    # the same folder cannot be continued under another mode
    assert main(["export", "--out", str(out), "--topics", registrations, "--key-file", str(key_file)]) == 1
    assert "use another folder" in capsys.readouterr().err


def test_an_export_killed_mid_way_continues_where_it_stopped_and_ends_with_every_record_once(
        infra, topic, tmp_path, key_file):
    registrations = topic(3)
    publish(infra.kafka_bootstrap, registrations, list(_people(1500)))
    out = tmp_path / "resumed"
    env = {**os.environ, "KAFKA_BOOTSTRAP": infra.kafka_bootstrap, "VAXTRAIL_STATE_DIR": str(tmp_path / "state")}
    argv = [sys.executable, "-m", "vaxtrail_cli.main", "export", "--out", str(out), "--topics", registrations,
            "--key-file", str(key_file), "--chunk-records", "100"]
    slow = subprocess.Popen([*argv, "--max-rate", "300"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    state = out / "export-state.json"

    def chunks() -> int:
        try:
            return json.loads(state.read_text())["topics"][registrations]["chunks"]
        except (OSError, ValueError, KeyError):
            return 0
    try:
        wait_for(lambda: chunks() >= 2, timeout=60, what="two committed chunks")
    finally:
        slow.send_signal(signal.SIGKILL)
        slow.wait()
    assert chunks() < 15, "the export finished before it was interrupted: nothing was resumed"
    # what a kill between a file's rename and the state's commit leaves behind
    (out / f"topic={registrations}" / "type=PersonRegistered" / "day=2000-01-01").mkdir(parents=True, exist_ok=True)
    leftover = out / f"topic={registrations}" / "type=PersonRegistered" / "day=2000-01-01" / "part-00000999-0000.parquet"
    leftover.write_bytes(b"half a chunk")

    finished = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0, finished.stderr
    assert not leftover.exists()
    con = duckdb.connect(str(out / "vaxtrail.duckdb"), read_only=True)
    assert con.execute("SELECT count(*), count(DISTINCT (kafka_partition, kafka_offset)) FROM records").fetchone() == (
        1500, 1500)
