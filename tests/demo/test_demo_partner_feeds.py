"""The partner feeds of a real campaign (the demo's, run once with two partners granted every feed): every dose
reaches each partner once, under different person keys, and no record carries a national ID, a name or a phone
number that registration published. Prints one partner record next to the internal events it came from."""

from __future__ import annotations

import json

import psycopg
from google.protobuf import json_format

from eventkit.kafka_record import from_record
from eventkit.topics import PARTNER_FEEDS, PER_PARTNER_FEEDS, partner_feed_topic
from tests.demo.conftest import PARTNERS
from tests.integration.kafka_helpers import read_topic, wait_for
from tests.integration.partner_procs import feed_records
from vaxtrail.immunization.v1 import events_pb2 as immunization
from vaxtrail.registration.v1 import events_pb2 as registration

IDENTIFYING = ("national_id", "full_name", "family_name", "given_name", "phone")


def _events(bootstrap: str, service: str) -> list:
    return [from_record(r.key, r.value, r.headers) for r in read_topic(bootstrap, f"vaxtrail.{service}.v1")]


def _doses(bootstrap: str) -> dict[str, immunization.DoseAdministered]:
    return {str(e.event_id): immunization.DoseAdministered.FromString(e.payload) for e in _events(bootstrap, "immunization")
            if e.event_type == "vaxtrail.immunization.v1.DoseAdministered"}


def _partner_doses(bootstrap: str, partner: str, count: int) -> list:
    def complete():
        records = feed_records(bootstrap, partner_feed_topic("DOSES", partner))
        return records if len({head["ce_id"] for head, _, _ in records}) >= count else None

    return wait_for(complete, timeout=180, what=f"{count} dose records for {partner}")


def test_each_partner_gets_every_dose_once_under_its_own_person_keys(demo_run, infra):
    doses = _doses(infra.kafka_bootstrap)
    assert len(doses) >= 10
    keys = {}
    for partner in PARTNERS:
        records = _partner_doses(infra.kafka_bootstrap, partner, len(doses))
        assert len({head["ce_id"] for head, _, _ in records}) == len(doses)
        keys[partner] = {message.person_key for _, _, message in records}
        assert len(keys[partner]) == len({d.person_id for d in doses.values()})
    assert not keys[PARTNERS[0]] & keys[PARTNERS[1]]


def test_no_partner_record_carries_a_national_id_a_name_or_a_phone_from_registration(demo_run, infra):
    _partner_doses(infra.kafka_bootstrap, PARTNERS[0], len(_doses(infra.kafka_bootstrap)))
    secrets = set()
    for event in _events(infra.kafka_bootstrap, "registration"):
        if event.event_type == "vaxtrail.registration.v1.PersonRegistered":
            person = registration.PersonRegistered.FromString(event.payload)
            secrets |= {getattr(person, name) for name in IDENTIFYING} | {person.person_id}
        elif event.event_type == "vaxtrail.registration.v1.PersonDetailsCorrected":
            corrected = registration.PersonDetailsCorrected.FromString(event.payload)
            secrets |= {c.new_value for c in corrected.changes if c.field in IDENTIFYING}
    secrets = {s for s in secrets if len(s) >= 4}
    assert len(secrets) > 30  # the demo's twelve people and more: the check has something to find
    topics = [partner_feed_topic(f) for f in PARTNER_FEEDS if f not in PER_PARTNER_FEEDS]
    topics += [partner_feed_topic("DOSES", p) for p in PARTNERS]
    checked = 0
    for topic in topics:
        for record in read_topic(infra.kafka_bootstrap, topic):
            raw = b"".join([record.key or b"", record.value, *(v for _, v in record.headers)])
            found = [s for s in secrets if s.encode() in raw]
            assert not found, f"{topic} carries {found}"
            checked += 1
    assert checked >= 20


def test_print_a_partner_record_next_to_the_internal_record_it_came_from(demo_run, infra):
    doses = _doses(infra.kafka_bootstrap)
    head, _, record = _partner_doses(infra.kafka_bootstrap, PARTNERS[0], len(doses))[0]
    with psycopg.connect(demo_run.stack["partner"].database_url) as conn:
        [source] = conn.execute("SELECT source_event_id::text FROM feed_outbox WHERE record_id = %s",
                                (head["ce_id"],)).fetchone()
    dose = doses[source]
    [person] = [registration.PersonRegistered.FromString(e.payload) for e in _events(infra.kafka_bootstrap, "registration")
                if e.event_type == "vaxtrail.registration.v1.PersonRegistered"
                and registration.PersonRegistered.FromString(e.payload).person_id == dose.person_id]
    assert (record.lot_number, record.dose_number, record.site_id) == (dose.lot_number, dose.dose_number, dose.site_id)
    assert record.birth_year == int(person.date_of_birth[:4]) and record.sex == person.sex
    as_json = lambda m: json_format.MessageToDict(m, preserving_proto_field_name=True)  # noqa: E731
    print(json.dumps({"internal": {"vaxtrail.immunization.v1.DoseAdministered": as_json(dose),
                                   "vaxtrail.registration.v1.PersonRegistered": as_json(person)},
                      "partner": {"topic": partner_feed_topic("DOSES", PARTNERS[0]), "headers": head,
                                  "vaxtrail.partner.v1.DoseGiven": as_json(record)}}, indent=2, ensure_ascii=False))
