"""Test support for the immunization service: publish the other services' facts it reads, and call it.

The contract with registration, inventory and allocation is their .proto: these helpers build those
messages, stamp them with envelopes through a throwaway in-memory store (hash chain and all) and produce
them to the real topics, exactly as those services' relays would.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import psycopg
import requests
from google.protobuf.timestamp_pb2 import Timestamp

from eventkit.auth import generate_dev_keypair, mint_token
from eventkit.envelope import CommandContext, EventDraft
from eventkit.kafka import make_producer
from eventkit.kafka_record import to_record
from eventkit.store.base import AggregateChanges
from eventkit.store.memory import InMemoryEventStore
from vaxtrail.allocation.v1 import events_pb2 as allocation
from vaxtrail.inventory.v1 import events_pb2 as inventory
from vaxtrail.registration.v1 import events_pb2 as registration

from .kafka_helpers import wait_for
from .service_procs import drop_service_database, start_service


def start_immunization(infra, workdir, migrations) -> Iterator:
    """The real immunization web + worker, stopped and its database dropped afterwards."""
    private, public = generate_dev_keypair(workdir / "keys")
    service = start_service("immunization", server_url=infra.server_url, kafka_bootstrap=infra.kafka_bootstrap,
                            public_key=public, workdir=workdir, migrations=migrations)
    service.private_key = Path(private).read_bytes()
    try:
        yield service
    finally:
        service.stop()
        drop_service_database(service, infra.server_url)


def ts(moment: datetime) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(moment.astimezone(UTC))
    return stamp


class Publisher:
    """Produces protobuf messages to ``vaxtrail.<service>.v1`` with full envelopes, as <service> would."""

    def __init__(self, bootstrap: str) -> None:
        self._producer = make_producer(bootstrap, client_id="immunization-tests")
        self._stores: dict[str, InMemoryEventStore] = {}

    def publish(self, service: str, messages: list[tuple[str, object]], occurred_at: datetime | None = None) -> None:
        """``messages``: (aggregate id, protobuf message) pairs, published in order."""
        store = self._stores.setdefault(service, InMemoryEventStore())
        context = CommandContext(actor_id=f"{service}-test", actor_role="national_admin")
        for aggregate_id, message in messages:
            version = len(store.load(aggregate_id))
            draft = EventDraft(message.DESCRIPTOR.full_name, message.SerializeToString(deterministic=True),
                               occurred_at or datetime.now(UTC))
            result = store.append([AggregateChanges(service, aggregate_id, version, [draft])], context,
                                  producer=f"{service}-test")
            for event in result.events:
                record = to_record(event)
                self._producer.send(f"vaxtrail.{service}.v1", key=record.key, value=record.value,
                                    headers=list(record.headers))
        self._producer.flush()

    def close(self) -> None:
        self._producer.close()


@dataclass
class World:
    """One test's slice of the supply tree and its people, with unique ids."""

    tag: str = field(default_factory=lambda: uuid.uuid4().hex[:6].upper())
    province: str = "79"
    district: str = "760"

    @property
    def dhc(self) -> str:
        return f"DHC-760-{self.tag}"

    def site(self, kind: str = "COMMUNE") -> str:
        return f"S-{kind}-{self.tag}"

    def lot(self, name: str) -> str:
        return f"LOT-{name}-{self.tag}"

    def person(self, n: int) -> str:
        return f"P-{self.tag}-{n:03d}"

    def national_id(self, n: int) -> str:
        return f"0790{int(self.tag, 16) % 10**6:06d}{n:02d}"


def locations(world: World, tables: int = 2) -> list[tuple[str, object]]:
    return [
        (world.dhc, inventory.LocationRegistered(location_id=world.dhc, kind="DISTRICT_STORE", name="DHC 760",
                                                 province_code=world.province, district_code=world.district)),
        (world.site(), inventory.LocationRegistered(location_id=world.site(), kind="SITE", name="Commune station",
                                                    parent_id=world.dhc, province_code=world.province,
                                                    district_code=world.district, injection_tables=tables)),
        (world.site("HOSPITAL"), inventory.LocationRegistered(
            location_id=world.site("HOSPITAL"), kind="SITE", name="District hospital", parent_id=world.dhc,
            province_code=world.province, district_code=world.district, hospital_capable=True)),
    ]


PRESENTATIONS = {
    "AZ": dict(vaccine_code="210", doses_per_vial=10, dose_volume_ml="0.5", min_age_years=18,
               platform="VIRAL_VECTOR", series_doses=2),
    "PFIZER": dict(vaccine_code="208", doses_per_vial=6, dose_volume_ml="0.3", min_age_years=12, platform="MRNA",
                   series_doses=2),
    "SINOPHARM": dict(vaccine_code="510", doses_per_vial=1, dose_volume_ml="0.5", min_age_years=18,
                      platform="INACTIVATED", series_doses=2),
    "SPUTNIK-I": dict(vaccine_code="SPUTNIK-V", doses_per_vial=1, dose_volume_ml="0.5", min_age_years=18,
                      platform="VIRAL_VECTOR", components=["I"], series_doses=2),
    "SPUTNIK-II": dict(vaccine_code="SPUTNIK-V", doses_per_vial=1, dose_volume_ml="0.5", min_age_years=18,
                       platform="VIRAL_VECTOR", components=["II"], series_doses=2),
}


def presentation_id(world: World, name: str) -> str:
    return f"{name}-{world.tag}"


def catalogue(world: World, lots: dict[str, str], expiry: str = "2022-06-30") -> list[tuple[str, object]]:
    """Presentations, then ``lots`` (lot name -> presentation name) registered and received at both sites."""
    out: list[tuple[str, object]] = []
    for name, fields in PRESENTATIONS.items():
        pid = presentation_id(world, name)
        out.append((pid, inventory.PresentationDefined(presentation_id=pid, version=1, open_vial_window_hours=6,
                                                       brand=name, **fields)))
    for lot_name, pres in lots.items():
        lot_id = world.lot(lot_name)
        out.append((lot_id, inventory.LotRegistered(lot_id=lot_id, lot_number=lot_name,
                                                    presentation_id=presentation_id(world, pres),
                                                    presentation_version=1, manufacture_date="2021-03-01",
                                                    label_expiry_date=expiry)))
        for site in (world.site(), world.site("HOSPITAL")):
            out.append((f"{site}/{lot_id}", inventory.DoseReceived(
                location_id=site, lot_id=lot_id, doses=600, vials=60, source="COVAX",
                received_at=ts(datetime(2021, 9, 1, tzinfo=UTC)), presentation_id=presentation_id(world, pres))))
    return out


def people(world: World, count: int, born: str = "1980-05-17", start: int = 1) -> list[tuple[str, object]]:
    out: list[tuple[str, object]] = []
    for n in range(start, start + count):
        pid = world.person(n)
        out += [
            (pid, registration.PersonRegistered(person_id=pid, national_id=world.national_id(n),
                                                national_id_kind="CITIZEN_ID", full_name=f"Person {n}",
                                                date_of_birth=born, channel="APP")),
            (pid, registration.RegistrationApproved(person_id=pid, approver_id="officer-79", province_code="79")),
            (pid, registration.PersonAssignedToDistrict(person_id=pid, district_health_centre_id=world.dhc)),
        ]
    return out


def session_plan(world: World, session_id: str, site: str, starts: datetime, ends: datetime,
                 presentation: str = "AZ", tables: int = 2) -> list[tuple[str, object]]:
    persons = 30 * tables
    return [(session_id, allocation.SessionPlanned(
        session_id=session_id, site_id=site, session_date=starts.date().isoformat(), starts_at=ts(starts),
        ends_at=ts(ends), injection_tables=tables, presentation_id=presentation_id(world, presentation),
        planned_persons=persons, planned_doses=persons, target_series="PRIMARY", district_health_centre_id=world.dhc))]


class Client:
    """HTTP calls to the running immunization service with tokens of a role and scope."""

    def __init__(self, service) -> None:
        self.service = service

    def headers(self, role: str, *scopes: str, key: str | None = None, sub: str | None = None,
                purpose: str | None = None) -> dict:
        token = mint_token(self.service.private_key, subject=sub or f"{role}-1", role=role, scopes=list(scopes))
        headers = {"Authorization": f"Bearer {token}"}
        if key:
            headers["Idempotency-Key"] = key
        if purpose:
            headers["X-Purpose"] = purpose
        return headers

    def post(self, path: str, body: dict, headers: dict) -> requests.Response:
        return requests.post(self.service.url(path), json=body, headers=headers, timeout=15)

    def client_put(self, path: str, body: dict, headers: dict) -> int:
        return requests.put(self.service.url(path), json=body, headers=headers, timeout=15).status_code

    def get(self, path: str, headers: dict, **params) -> requests.Response:
        return requests.get(self.service.url(path), params=params, headers=headers, timeout=15)

    def count_events(self, aggregate_id: str | None = None) -> int:
        with psycopg.connect(self.service.database_url) as conn:
            if aggregate_id is None:
                return conn.execute("SELECT count(*) FROM events").fetchone()[0]
            return conn.execute("SELECT count(*) FROM events WHERE aggregate_id = %s", (aggregate_id,)).fetchone()[0]

    def scalar(self, query: str, *params):
        with psycopg.connect(self.service.database_url) as conn:
            return conn.execute(query, params).fetchone()[0]

    def wait_rows(self, query: str, *params, expected: int, what: str) -> None:
        wait_for(lambda: self.scalar(query, *params) >= expected, timeout=60, what=what)


def problem(response: requests.Response) -> tuple[int, str | None, str | None]:
    body = response.json()
    assert response.headers["Content-Type"].startswith("application/problem+json"), response.text
    return response.status_code, body.get("rule"), body.get("field")


ICT = timezone(timedelta(hours=7))
NORMAL_VITALS = {"temperature_celsius": "36.6", "pulse_per_minute": 72, "systolic_mmhg": 118, "diastolic_mmhg": 76}
HOSPITAL_DAY = datetime(2021, 8, 21, tzinfo=ICT)


def at(hour: int, minute: int = 0) -> str:
    """A time of :data:`HOSPITAL_DAY` as request text."""
    return (HOSPITAL_DAY + timedelta(hours=hour, minutes=minute)).isoformat()


def hospital_day(service, kafka_bootstrap: str, world: World | None = None) -> dict:
    """A session at a hospital-capable site on :data:`HOSPITAL_DAY`: people 1-5, 7-9 and 20 adults, person 6
    born in 2005, an AstraZeneca and a Pfizer vial open (in province 79 unless ``world`` names another)."""
    day = HOSPITAL_DAY
    api, world, publisher = Client(service), world or World(), Publisher(kafka_bootstrap)
    site, session_id = world.site("HOSPITAL"), f"SES-H-{world.tag}"
    publisher.publish("inventory", locations(world) + catalogue(world, {"ABV5300": "AZ", "FF2153": "PFIZER",
                                                                           "SP0412": "SINOPHARM"}))
    publisher.publish("registration", people(world, 5) + people(world, 1, born="2005-06-01", start=6)
                      + people(world, 3, start=7) + people(world, 1, start=20))
    publisher.publish("allocation", session_plan(world, session_id, site, day + timedelta(hours=7),
                                                 day + timedelta(hours=17)))
    publisher.close()
    api.wait_rows("SELECT count(*) FROM ref_person WHERE person_id LIKE %s AND district_health_centre_id <> ''",
                  f"P-{world.tag}-%", expected=10, what="people")
    api.wait_rows("SELECT count(*) FROM ref_site_stock WHERE lot_id = %s", world.lot("SP0412"), expected=2,
                  what="stock")
    api.wait_rows("SELECT count(*) FROM ref_session_plan WHERE session_id = %s", session_id, expected=1, what="plan")
    staff = api.headers("site_manager", f"site:{site}", sub=f"manager-{world.tag}")
    assert api.post(f"/v1/sessions/{session_id}/open", {"opened_at": at(7)}, staff).status_code == 201
    vial = api.post(f"/v1/sessions/{session_id}/vials", {"lot_id": world.lot("ABV5300"), "opened_at": at(8)}, staff)
    assert vial.status_code == 201, vial.text
    pfizer = api.post(f"/v1/sessions/{session_id}/vials", {"lot_id": world.lot("FF2153"), "opened_at": at(8)}, staff)
    assert pfizer.status_code == 201, pfizer.text
    return {"api": api, "world": world, "site": site, "session_id": session_id, "staff": staff,
            "vial": vial.json()["vial_opening_id"], "pfizer_vial": pfizer.json()["vial_opening_id"]}


def checked_in_and_screened(day: dict, n: int) -> str:
    """Person ``n`` of a :func:`hospital_day` checked in (ID document, override) and screened ELIGIBLE."""
    api, world, staff = day["api"], day["world"], day["staff"]
    body = {"identity_method": "ID_DOCUMENT", "document_kind": "CITIZEN_ID", "document_number": world.national_id(n),
            "presence_override_reason": "app offline", "checked_in_at": at(8, n)}
    visit = api.post(f"/v1/sessions/{day['session_id']}/check-ins", body, staff)
    assert visit.status_code == 201, visit.text
    visit_id = visit.json()["visit_id"]
    assert api.post(f"/v1/visits/{visit_id}/screening", {"vitals": NORMAL_VITALS, "screened_at": at(8, n + 1)},
                    staff).json()["outcome"] == "ELIGIBLE"
    return visit_id
