"""The partner feeds against the real broker and PostgreSQL: derived from internal events published as the
services publish them, pseudonymous per partner, exactly once; grants as events, refused to non-admins."""

from __future__ import annotations

import hashlib
import hmac
import signal
import uuid
from datetime import UTC, datetime

import psycopg
import requests

from eventkit.kafka_record import from_record
from eventkit.topics import partner_feed_topic
from services.partner.feeds.records import record_id
from vaxtrail.certificate.v1 import events_pb2 as certificate
from vaxtrail.immunization.v1 import events_pb2 as immunization
from vaxtrail.inventory.v1 import events_pb2 as inventory
from vaxtrail.partner.v1 import events_pb2 as partner_events

from .certificate_world import World, timestamp
from .kafka_helpers import read_topic, wait_for
from .partner_procs import (
    doses_topic,
    feed_records,
    grant,
    headers,
    new_partner,
    outbox,
    partner,
    wait_for_doses,
)

__all__ = ["partner"]  # the module-scoped fixture

WHEN = datetime(2021, 6, 1, 3, 0, tzinfo=UTC)


def test_a_non_admin_is_refused_and_grants_and_revocations_are_events(partner, infra):
    name = new_partner()
    refused = requests.post(partner.url("/v1/partners"), json={"partner": name, "feeds": ["DOSES"], "reason": "x"},
                            headers=headers(partner, "district_officer", "district:760"), timeout=30)
    assert refused.status_code == 403
    assert refused.headers["Content-Type"].startswith("application/problem+json")
    bad = requests.post(partner.url("/v1/partners"), json={"partner": name, "feeds": ["NAMES"], "reason": "x"},
                        headers=headers(partner), timeout=30)
    assert bad.status_code == 422 and bad.json()["field"].startswith("feeds"), bad.text

    granted = grant(partner, name, ["STOCK", "DOSES"])
    assert granted["topics"] == [doses_topic(name), partner_feed_topic("STOCK")]
    assert (granted["principal"], granted["group_prefix"]) == (f"partner-{name}", f"partner.{name}.")
    revoked = requests.post(partner.url(f"/v1/partners/{name}/revocation"), json={"reason": "agreement ended"},
                            headers=headers(partner), timeout=30)
    assert revoked.status_code == 201, revoked.text

    def events():
        found = [from_record(r.key, r.value, r.headers) for r in read_topic(infra.kafka_bootstrap, "vaxtrail.partner.v1")]
        mine = [e for e in found if e.aggregate_id == f"partner/{name}"]
        return mine if len(mine) == 2 else None

    first, second = wait_for(events, what="the grant and the revocation on vaxtrail.partner.v1")
    assert first.event_type == "vaxtrail.partner.v1.PartnerGranted" and first.actor_role == "national_admin"
    assert list(partner_events.PartnerGranted.FromString(first.payload).feeds) == ["DOSES", "STOCK"]
    assert second.event_type == "vaxtrail.partner.v1.PartnerRevoked"

    def listed():
        partners = requests.get(partner.url("/v1/partners"), headers=headers(partner), timeout=30).json()["partners"]
        return [p for p in partners if p["partner"] == name and not p["active"]]

    wait_for(listed, what="the revoked grant in GET /v1/partners")


def test_feeds_are_derived_from_internal_events_with_a_different_person_key_per_partner(partner, infra):
    world = World(infra.kafka_bootstrap)
    run = uuid.uuid4().hex[:8].upper()
    person, lot = f"P-{run}", f"LOT-{run}"
    try:
        first, second = new_partner(), new_partner()
        grant(partner, first, ["DOSES", "STOCK", "AEFI", "REVOCATIONS"])
        world.person(person)  # national ID 0790…, "Nguyễn Văn An", born 1980-05-17
        world.publish("inventory", "lot", lot, inventory.LotRegistered(
            lot_id=lot, lot_number=f"AB{run}", presentation_id="AZ-VAXZEVRIA-10", label_expiry_date="2021-12-31",
            registered_at=timestamp(WHEN)))
        dose = world.dose(person, f"D-{run}", 1, WHEN, lot_id=lot, lot_number=f"AB{run}",
                          presentation_id="AZ-VAXZEVRIA-10")
        world.publish("inventory", "lot", lot, inventory.LotRecalled(
            lot_id=lot, scope="NATIONAL", reason="potency", authority="DAV", decided_at=timestamp(WHEN)))
        world.publish("immunization", "aefi", f"AEFI-{run}", immunization.AefiReported(
            aefi_id=f"AEFI-{run}", person_id=person, dose_ids=[f"D-{run}"], lot_ids=[lot], onset_at=timestamp(WHEN),
            symptoms=["Pyrexia"], outcome="RECOVERED", source="SITE_OBSERVATION", reporter_id="vaccinator-1",
            reported_at=timestamp(WHEN), site_ids=["S-79-760-01"]))
        world.publish("certificate", "person_certificates", f"certificates:{person}", certificate.CertificateRevoked(
            certificate_id=f"URN:UVCI:01:VN:{run}#X", reason="LOT_RECALL", person_id=person,
            revoked_at=timestamp(WHEN)))
        grant(partner, second, ["DOSES"])  # granted after the dose: gets it too

        [(head_a, key_a, dose_a)] = wait_for_doses(infra.kafka_bootstrap, first, 1, f"AB{run}")
        [(head_b, key_b, dose_b)] = wait_for_doses(infra.kafka_bootstrap, second, 1, f"AB{run}")
    finally:
        world.close()
    assert key_a == dose_a.person_key != dose_b.person_key == key_b
    assert person not in key_a and len(key_a) == 64
    assert (dose_a.birth_year, dose_a.sex, dose_a.province_code, dose_a.district_code) == (1980, "MALE", "79", "760")
    assert (dose_a.lot_number, dose_a.dose_number, dose_a.date, dose_a.site_id) == (f"AB{run}", 1, "2021-06-01",
                                                                                  "S-79-760-01")
    assert head_a["ce_id"] != head_b["ce_id"] and head_a["ce_type"] == "vaxtrail.partner.v1.DoseGiven"
    assert str(dose.event_id) not in head_a.values()

    def lot_records():
        found = [m for _, k, m in feed_records(infra.kafka_bootstrap, partner_feed_topic("STOCK")) if k == lot]
        return found if len(found) == 2 else None

    stock = wait_for(lot_records, what="both lot records")
    assert [m.status for m in stock] == ["REGISTERED", "RECALLED"] and stock[1].expiry_date == "2021-12-31"
    aefi = wait_for(lambda: [m for _, _, m in feed_records(infra.kafka_bootstrap, partner_feed_topic("AEFI"))
                             if lot in m.lot_ids] or None, what="the AEFI record")
    assert (aefi[0].birth_year, aefi[0].symptoms, aefi[0].onset_date) == (1980, ["Pyrexia"], "2021-06-01")
    assert f"AEFI-{run}" not in aefi[0].aefi_report_id
    revocations = wait_for(lambda: [m for _, k, m in feed_records(infra.kafka_bootstrap,
                                                                  partner_feed_topic("REVOCATIONS"))
                                    if run in k] or None, what="the revocation record")
    assert revocations[0].reason == "LOT_RECALL"
    for topic in (doses_topic(first), partner_feed_topic("AEFI"), partner_feed_topic("REVOCATIONS")):
        for record in read_topic(infra.kafka_bootstrap, topic):
            assert person.encode() not in record.value and "Nguyễn".encode() not in record.value


def test_a_redelivered_event_and_a_worker_killed_mid_batch_do_not_double_a_record(partner, infra):
    world = World(infra.kafka_bootstrap)
    run = uuid.uuid4().hex[:6].upper()
    name = new_partner()
    grant(partner, name, ["DOSES"])
    count = 400
    partner.signal("worker", signal.SIGSTOP)  # everything arrives at once: many batches to kill in the middle of
    try:
        doses = []
        for i in range(count):
            world.person(f"P-{run}-{i}")
            doses.append(world.dose(f"P-{run}-{i}", f"D-{run}-{i}", 1, WHEN, lot_id=f"LOT-{run}", lot_number=f"K{run}",
                                    presentation_id="AZ-VAXZEVRIA-10"))
        sources = {str(d.event_id) for d in doses}
        with psycopg.connect(partner.database_url) as hold:
            # the record of one dose half-way is written (uncommitted) here first: the worker's insert of the same
            # record id waits for this transaction, so it is stopped inside a batch whatever the machine's speed
            held = str(doses[count // 2].event_id)
            hold.execute("INSERT INTO feed_outbox (record_id, topic, feed, partner, record_key, record_type, value,"
                         " source_event_id) VALUES (%s, '', 'DOSES', %s, '', '', '', %s)",
                         (record_id("DOSES", name, held), name, held))
            xid = hold.execute("SELECT pg_current_xact_id()::text::bigint").fetchone()[0]
            partner.signal("worker", signal.SIGCONT)
            wait_for(lambda: waiting_on(partner, xid), what="the worker's batch to wait for the held record")
            at_kill = sum(outbox(partner, name, sources).values())
            partner.signal("worker", signal.SIGKILL)
            hold.rollback()  # the killed worker's transaction ends with its connection, never committed
        partner.restart("worker")
        for dose in doses[:50]:  # copies of events already derived, as a relay retry sends them
            world.send_again("immunization", dose)
        records = wait_for_doses(infra.kafka_bootstrap, name, count, f"K{run}")
    finally:
        world.close()
    assert at_kill < count  # killed part-way
    derived = outbox(partner, name, {str(d.event_id) for d in doses})
    assert len(derived) == count and set(derived.values()) == {1}
    by_id: dict[str, bytes] = {}
    for head, _key, message in records:  # the feed relay may send a record twice: same id, same bytes
        assert by_id.setdefault(head["ce_id"], message.SerializeToString()) == message.SerializeToString()
    assert len(by_id) == count


def waiting_on(service, xid: int) -> bool:
    """Whether another session waits for transaction ``xid`` (the worker's insert of the held record id)."""
    with psycopg.connect(service.database_url) as conn:
        return conn.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'transactionid' AND NOT granted"
                            " AND transactionid::text::bigint = %s", (xid,)).fetchone()[0] > 0


def test_person_keys_are_hmac_sha256_under_a_per_partner_secret():
    from services.partner.domain import pseudonyms

    master = bytes(range(32))
    a, b = pseudonyms.person_key(master, "who-vn", "P-1"), pseudonyms.person_key(master, "unicef", "P-1")
    secret = hmac.new(master, b"vaxtrail-partner-pseudonym:partner:who-vn", hashlib.sha256).digest()
    assert a == hmac.new(secret, b"P-1", hashlib.sha256).hexdigest() != b


def test_partner_add_prints_the_client_properties_the_example_partner_reads_its_feed_with(partner, infra, tmp_path,
                                                                                            monkeypatch, capsys):
    import json
    import subprocess
    import sys

    from vaxtrail_cli.main import main

    key = tmp_path / "dev.private.pem"
    key.write_bytes(partner.private_key)
    monkeypatch.setenv("JWT_PRIVATE_KEY_FILE", str(key))
    monkeypatch.setenv("KAFKA_BOOTSTRAP", infra.kafka_bootstrap)
    monkeypatch.setenv("VAXTRAIL_STATE_DIR", str(tmp_path))  # no stack.env there: nothing else is filled in
    name = new_partner()
    assert main(["partner", "add", name, "--feeds", "doses,stock", "--base-url", partner.base_url]) == 0
    config = json.loads(capsys.readouterr().out)
    assert config["topics"] == {"DOSES": doses_topic(name), "STOCK": partner_feed_topic("STOCK")}
    assert (config["bootstrap.servers"], config["group.id.prefix"]) == (infra.kafka_bootstrap, f"partner.{name}.")
    assert config["security.protocol"] == "PLAINTEXT" and config["sasl.username"] is None
    (tmp_path / "config.json").write_text(json.dumps(config))

    world = World(infra.kafka_bootstrap)
    try:
        world.person("P-EX-1")
        world.dose("P-EX-1", f"D-{name}", 1, WHEN, lot_id="LOT-EX", lot_number="EX1", presentation_id="AZ-VAXZEVRIA-10")
    finally:
        world.close()
    wait_for_doses(infra.kafka_bootstrap, name, 1, "EX1")
    printed = subprocess.run([sys.executable, "examples/partner/consumer.py", str(tmp_path / "config.json"),
                              "--from-start", "--max-records", "1"], capture_output=True, text=True, timeout=120,
                             check=True).stdout
    line = json.loads(printed.splitlines()[0])
    assert line["type"] == "vaxtrail.partner.v1.DoseGiven" and len(line["record"]["person_key"]) == 64

    assert main(["partner", "revoke", name, "--base-url", partner.base_url]) == 0
    assert json.loads(capsys.readouterr().out)["revoked"] is True


def test_the_doses_feed_follows_withdrawals_corrections_historical_doses_and_merges(partner, infra):
    """Over the broker: a withdrawn dose's DoseWithdrawn names its DoseGiven's dose_ref; a correction, a historical
    dose and a merge reach the partner; a withdrawal that arrives before its dose (another person's stream, as
    after a merge) keeps the dose from ever being sent; copies of every event change nothing; a partner granted
    after all of it gets only the current state."""
    world = World(infra.kafka_bootstrap)
    run = uuid.uuid4().hex[:8].upper()
    a, b, lot = f"P-A-{run}", f"P-B-{run}", f"LOT-{run}"
    historical_lot = f"FE{run}"  # the partner is granted every earlier dose of the shared topics: other tests' too
    name, late = new_partner(), new_partner()
    grant(partner, name, ["DOSES"])
    try:
        world.person(a)
        world.person(b)
        x = world.dose(b, f"D-X-{run}", 1, WHEN, lot_id=lot, lot_number=f"X{run}", presentation_id="AZ-VAXZEVRIA-10")
        y = world.dose(a, f"D-Y-{run}", 1, WHEN, lot_id=lot, lot_number=f"Y{run}", presentation_id="AZ-VAXZEVRIA-10")
        v = world.record("immunization", "dose_record", f"doses:{b}", immunization.DoseAdministered(
            dose_id=f"D-V-{run}", person_id=b, site_id="S-79-760-01", administered_at=timestamp(WHEN),
            presentation_id="AZ-VAXZEVRIA-10", lot_id=lot, lot_number=f"V{run}", series="PRIMARY", dose_number=2))
        sent = [world.publish("immunization", "dose_record", f"doses:{a}", immunization.DoseEnteredInError(
            dose_id=f"D-V-{run}", reverses_event_id=str(v.event_id), reason="entered twice", person_id=a))]
        wait_for(lambda: withdrawal_kept(partner, str(v.event_id)), what="the withdrawal of a dose not seen yet")
        world.send_again("immunization", v)  # the dose arrives after its withdrawal
        world.corrected(b, x, f"D-X-{run}", "lot_number", f"X{run}", f"X{run}-7")
        world.historical(b, f"D-Z-{run}", "Comirnaty", "2021-03-14", "fr", lot_number=historical_lot)
        world.entered_in_error(a, y, f"D-Y-{run}")
        wait_for_doses(infra.kafka_bootstrap, name, 1, historical_lot)  # the merge after B's doses were sent
        world.merge(a, b)
        sent += [x, y, v]
        for event in sent:  # copies, as a relay retry sends them
            world.send_again("immunization", event)

        def complete():  # the partner was granted before: its topic holds the module's earlier doses too
            found = [r for r in feed_records(infra.kafka_bootstrap, doses_topic(name))
                     if not r[0]["ce_type"].endswith("DoseGiven") or run in r[2].lot_number]
            kinds = {h["ce_type"].rsplit(".", 1)[-1] for h, _, _ in found}
            return found if {"DoseWithdrawn", "DoseCorrected", "PersonKeysMerged"} <= kinds else None

        found = wait_for(complete, timeout=180, what="the follow-up records of the doses feed")
        grant(partner, late, ["DOSES"])
    finally:
        world.close()
    by_id: dict[str, tuple] = {}
    for head, key, message in found:
        assert by_id.setdefault(head["ce_id"], (head["ce_type"], key, message)) == (head["ce_type"], key, message)
    records = list(by_id.values())
    kinds = sorted(t.rsplit(".", 1)[-1] for t, _, _ in records)
    assert kinds == ["DoseCorrected", "DoseGiven", "DoseGiven", "DoseGiven", "DoseWithdrawn", "PersonKeysMerged"], [
        (t.rsplit(".", 1)[-1], k[:8], getattr(m, "lot_number", ""), getattr(m, "dose_ref", "")[:8]) for t, k, m in records]
    given = {m.lot_number: m for t, _, m in records if t.endswith("DoseGiven")}
    assert set(given) == {f"X{run}", f"Y{run}", historical_lot}  # V, withdrawn before it arrived, never sent
    [(_, w_key, withdrawn)] = [(t, k, m) for t, k, m in records if t.endswith("DoseWithdrawn")]
    assert withdrawn.dose_ref == given[f"Y{run}"].dose_ref and w_key == given[f"Y{run}"].person_key
    [corrected] = [m for t, _, m in records if t.endswith("DoseCorrected")]
    assert (corrected.dose_ref, list(corrected.corrected_fields), corrected.lot_number) == (
        given[f"X{run}"].dose_ref, ["lot_number"], f"X{run}-7")
    historical = given[historical_lot]
    assert (historical.historical, historical.country, historical.date, historical.site_id) == (True, "FR",
                                                                                               "2021-03-14", "")
    [(_, m_key, merged)] = [(t, k, m) for t, k, m in records if t.endswith("PersonKeysMerged")]
    assert (m_key, merged.retired_person_key, merged.surviving_person_key) == (
        given[f"X{run}"].person_key, given[f"X{run}"].person_key, given[f"Y{run}"].person_key)
    derived = outbox(partner, name, {str(e.event_id) for e in sent})
    assert set(derived.values()) == {1}  # one record per source event, whatever the copies

    late_records = wait_for(lambda: late_outbox(partner, late, run), what="the late partner's records")
    assert sorted(kind for kind, _ in late_records) == ["vaxtrail.partner.v1.DoseGiven"] * 2
    late_doses = {m.lot_number: m for _, m in late_records}
    assert set(late_doses) == {f"X{run}-7", historical_lot}  # corrected, historical; the withdrawn doses are not there
    assert late_doses[f"X{run}-7"].person_key == late_doses[historical_lot].person_key  # under the surviving key
    later = wait_for_doses(infra.kafka_bootstrap, late, 1, f"X{run}-7")
    assert later[0][2].dose_ref == late_doses[f"X{run}-7"].dose_ref != corrected.dose_ref


def withdrawal_kept(service, dose_event_id: str) -> bool:
    with psycopg.connect(service.database_url) as conn:
        return conn.execute("SELECT count(*) FROM partner_dose_withdrawals WHERE dose_event_id = %s",
                            (dose_event_id,)).fetchone()[0] == 1


def late_outbox(service, partner_name: str, run: str) -> list | None:
    """The outbox rows of a partner granted later (written with its grant, in one transaction) of this run."""
    from vaxtrail.partner.v1 import feeds_pb2

    with psycopg.connect(service.database_url) as conn:
        rows = conn.execute("SELECT record_type, value FROM feed_outbox WHERE partner = %s ORDER BY position",
                            (partner_name,)).fetchall()
    if not rows:
        return None
    decoded = [(kind, getattr(feeds_pb2, kind.rsplit(".", 1)[-1]).FromString(bytes(value))) for kind, value in rows]
    return [(k, m) for k, m in decoded  # every record but the module's earlier doses
            if not k.endswith("DoseGiven") or run in m.lot_number]
