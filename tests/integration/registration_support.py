"""Shared helpers of the registration integration tests: the running service, tokens, test people, and other
services' events published to their topics (the contract is the .proto, so tests produce them directly)."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import psycopg
import requests
from google.protobuf.timestamp_pb2 import Timestamp

from eventkit.auth import generate_dev_keypair, mint_token
from eventkit.envelope import GENESIS_HASH, StoredEvent, compute_hash, uuid7
from eventkit.kafka import make_producer
from eventkit.kafka_record import to_record
from services.registration.bootstrap import MIGRATIONS
from services.registration.domain.validation import citizen_id_century_digit
from vaxtrail.allocation.v1 import events_pb2 as allocation_pb2
from vaxtrail.certificate.v1 import events_pb2 as certificate_pb2
from vaxtrail.immunization.v1 import events_pb2 as immunization_pb2
from vaxtrail.inventory.v1 import events_pb2 as inventory_pb2

from .kafka_helpers import wait_for
from .service_procs import RunningService, drop_service_database, start_service

_serials = itertools.count(int(uuid.uuid4().int % 10**5) * 1000)


def start_registration(infra, workdir: Path) -> RunningService:
    private, public = generate_dev_keypair(workdir / "keys")
    service = start_service("registration", server_url=infra.server_url, kafka_bootstrap=infra.kafka_bootstrap,
                            public_key=public, workdir=workdir, migrations=MIGRATIONS)
    service.private_key = Path(private).read_bytes()
    service.http = requests.Session()
    return service


def stop_registration(service: RunningService, infra) -> None:
    service.http.close()
    service.stop()
    drop_service_database(service, infra.server_url)


def bearer(service, role: str, *scopes: str, sub: str | None = None) -> dict[str, str]:
    token = mint_token(service.private_key, subject=sub or f"{role}-{scopes[0]}", role=role, scopes=list(scopes))
    return {"Authorization": f"Bearer {token}"}


def citizen_id(province: str = "79", sex: str = "FEMALE", born: date = date(1985, 3, 14)) -> str:
    """A fresh, well-formed 12-digit citizen ID (unique per call in this test session)."""
    return f"0{province}{citizen_id_century_digit(sex, born)}{born:%y}{next(_serials) % 10**6:06d}"


def person_body(province: str = "79", district: str = "760", commune: str = "", **overrides) -> dict:
    body = {"national_id_kind": "CITIZEN_ID", "national_id": citizen_id(province), "full_name": "Nguyễn Thị Lan",
            "date_of_birth": "1985-03-14", "sex": "FEMALE", "phone": "0912345678",
            "address": {"province_code": province, "district_code": district, "commune_code": commune,
                        "address_line": "12 Lê Lợi"}}
    body.update(overrides)
    return body


def events_count(service, *, event_type: str | None = None) -> int:
    with psycopg.connect(service.database_url) as conn:
        if event_type is None:
            return conn.execute("SELECT count(*) FROM events").fetchone()[0]
        return conn.execute("SELECT count(*) FROM events WHERE event_type = %s", (event_type,)).fetchone()[0]


@dataclass
class Publisher:
    """Produces other services' events to their topics, as their relays would."""

    bootstrap: str

    def __post_init__(self) -> None:
        self._producer = make_producer(self.bootstrap, client_id="registration-tests")

    def publish(self, topic: str, aggregate_id: str, message, producer: str) -> str:
        """Produce ``message`` as ``producer``'s relay would; returns its event id."""
        unsigned = StoredEvent(
            position=1, event_id=uuid7(), event_type=message.DESCRIPTOR.full_name, aggregate_type="test",
            aggregate_id=aggregate_id, aggregate_version=1, occurred_at=datetime.now(UTC),
            recorded_at=datetime.now(UTC), producer=producer, actor_id="tests", actor_role="national_admin",
            correlation_id=str(uuid7()), causation_id="", idempotency_key=None,
            payload=message.SerializeToString(deterministic=True), prev_hash=GENESIS_HASH, hash=b"")
        record = to_record(StoredEvent(**{**unsigned.__dict__, "hash": compute_hash(GENESIS_HASH, unsigned)}))
        self._producer.send(topic, key=record.key, value=record.value, headers=record.headers).get(timeout=30)
        return str(unsigned.event_id)

    def district_centre(self, location_id: str, province: str, district: str) -> str:
        return self.publish("vaxtrail.inventory.v1", location_id, inventory_pb2.LocationRegistered(
            location_id=location_id, kind="DISTRICT_STORE", name=f"Trung tâm Y tế {district}",
            parent_id=f"CDC-{province}", province_code=province, district_code=district,
            storage_capabilities=["FRIDGE"], active_from="2021-01-01"), "inventory/test")

    def session(self, session_id: str, centre_id: str, *, capacity: int, site_id: str = "S-79-760-01",
                days_ahead: int = 3) -> str:
        start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=days_ahead)
        return self.publish("vaxtrail.allocation.v1", session_id, allocation_pb2.SessionPlanned(
            session_id=session_id, site_id=site_id, session_date=start.date().isoformat(),
            starts_at=_ts(start), ends_at=_ts(start + timedelta(hours=4)), injection_tables=2,
            presentation_id="AZ-VAXZEVRIA-10", planned_persons=capacity, planned_doses=capacity,
            target_series="PRIMARY", target_dose_numbers=[1], district_health_centre_id=centre_id),
            "allocation/test")

    def dose(self, person_id: str, dose_id: str) -> None:
        self.publish("vaxtrail.immunization.v1", dose_id, immunization_pb2.DoseAdministered(
            dose_id=dose_id, person_id=person_id, visit_id="V-1", session_id="SES-1", site_id="S-79-760-01",
            administered_at=_ts(datetime.now(UTC)), presentation_id="AZ-VAXZEVRIA-10", lot_id="ABV5300",
            lot_number="ABV5300", series="PRIMARY", dose_number=1), "immunization/test")

    def certificate(self, person_id: str, certificate_id: str) -> None:
        self.publish("vaxtrail.certificate.v1", certificate_id, certificate_pb2.CertificateIssued(
            certificate_id=certificate_id, person_id=person_id, level="PARTIAL", format="EU_DCC_HC1",
            issued_at=_ts(datetime.now(UTC))), "certificate/test")

    def close(self) -> None:
        self._producer.close(timeout=5)


def _ts(value: datetime) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(value)
    return stamp


def wait_for_centre(service, location_id: str) -> None:
    def known() -> bool:
        with psycopg.connect(service.database_url) as conn:
            return conn.execute("SELECT 1 FROM district_centres WHERE location_id = %s", (location_id,)).fetchone()
    wait_for(known, what=f"district centre {location_id} in the read model")


def wait_for_session(service, session_id: str) -> None:
    def known() -> bool:
        with psycopg.connect(service.database_url) as conn:
            return conn.execute("SELECT 1 FROM planned_sessions WHERE session_id = %s", (session_id,)).fetchone()
    wait_for(known, what=f"session {session_id} in the read model")
