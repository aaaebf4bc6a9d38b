"""The allocation service under test and the world it reads, shared by the ``test_allocation_*`` HTTP files.

:class:`World` publishes the other services' events the allocation service reads, straight to their
topics. The contract is the .proto: each event is a generated message wrapped in a full envelope
(:func:`eventkit.kafka_record.to_record`) and produced to ``vaxtrail.<service>.v1``, as inventory,
registration and immunization would. Ids carry a per-run suffix so runs never see each other's data.

:func:`running_allocation` and :func:`populated_world` are what each test module's module-scoped fixtures
yield from (one gunicorn web + worker per module); the small HTTP helpers below read as the tests do.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
import requests
from google.protobuf.message import Message

from eventkit.auth import generate_dev_keypair, mint_token
from eventkit.envelope import GENESIS_HASH, StoredEvent, uuid7
from eventkit.kafka import kafka_reachable, make_producer
from eventkit.kafka_record import to_record
from services.allocation.bootstrap import MIGRATIONS
from vaxtrail.common.v1 import types_pb2 as common
from vaxtrail.immunization.v1 import events_pb2 as immunization
from vaxtrail.inventory.v1 import events_pb2 as inventory
from vaxtrail.inventory.v1 import types_pb2 as inventory_types
from vaxtrail.registration.v1 import events_pb2 as registration

from .kafka_helpers import wait_for
from .service_procs import RunningService, drop_service_database, private_workdir, start_service

APPROVED: Counter[str] = Counter()
"""Registrants approved per province by every World of this test session: each allocation service started
reads the registration topic from its beginning, so it counts earlier modules' people too (always 3 : 1)."""


@dataclass
class World:
    """One run's supply tree, product and lot; ``publish`` sends any foreign event."""

    bootstrap: str
    run: str = field(default_factory=lambda: uuid.uuid4().hex[:6].upper())
    _producer: object = None

    def __post_init__(self) -> None:
        self.national = f"NAT-EPI-{self.run}"
        self.presentation = f"AZ-VAXZEVRIA-10-{self.run}"
        self.lot = f"ABV{self.run}"
        self.army = f"SU-ARMY-{self.run}"
        self.store = {"96": f"PS-96-{self.run}", "95": f"PS-95-{self.run}"}
        self.district = f"DS-964-{self.run}"
        self.site = f"S-96-964-{self.run}"

    def publish(self, service: str, aggregate_id: str, message: Message) -> str:
        if self._producer is None:
            self._producer = make_producer(self.bootstrap, client_id="allocation-tests")
        event = StoredEvent(
            position=1, event_id=uuid7(), event_type=message.DESCRIPTOR.full_name, aggregate_type="test",
            aggregate_id=aggregate_id, aggregate_version=1, occurred_at=datetime.now(UTC),
            recorded_at=datetime.now(UTC), producer=f"{service}-test", actor_id="tests", actor_role="system",
            correlation_id="tests", causation_id="", idempotency_key=None,
            payload=message.SerializeToString(deterministic=True), prev_hash=GENESIS_HASH, hash=bytes(32))
        record = to_record(event)
        self._producer.send(f"vaxtrail.{service}.v1", key=record.key, value=record.value, headers=record.headers)
        self._producer.flush(timeout=30)
        return str(event.event_id)

    def close(self) -> None:
        if self._producer is not None:
            self._producer.close(timeout=5)

    # -- inventory --------------------------------------------------------------------------------------
    def location(self, location_id: str, kind: str, parent: str = "", province: str = "", district: str = "",
                 tables: int = 0, special: str = "") -> None:
        self.publish("inventory", location_id, inventory.LocationRegistered(
            location_id=location_id, kind=kind, name=location_id, parent_id=parent, province_code=province,
            district_code=district, injection_tables=tables, active_from="2021-01-01", special_unit_type=special))

    def supply_tree(self) -> None:
        self.location(self.national, "NATIONAL_STORE")
        for code, store in self.store.items():
            self.location(store, "PROVINCE_STORE", self.national, code)
        self.location(self.army, "SPECIAL_UNIT", self.national, special="ARMY")
        self.location(self.district, "DISTRICT_STORE", self.store["96"], "96", "964")
        self.location(self.site, "SITE", self.district, "96", "964", tables=2)

    def product(self, doses: int, expiry: str = "2099-06-30") -> None:
        self.publish("inventory", self.presentation, inventory.PresentationDefined(
            presentation_id=self.presentation, version=1, doses_per_vial=10, series_doses=2, brand="Vaxzevria"))
        self.publish("inventory", self.lot, inventory.LotRegistered(
            lot_id=self.lot, lot_number=self.lot, presentation_id=self.presentation, presentation_version=1,
            manufacture_date="2021-02-01", label_expiry_date=expiry, funding_source="COVAX"))
        self.receive(self.national, doses)

    def receive(self, location_id: str, doses: int) -> None:
        self.publish("inventory", f"{location_id}/{self.lot}", inventory.DoseReceived(
            location_id=location_id, lot_id=self.lot, doses=doses, vials=doses // 10, source="COVAX",
            presentation_id=self.presentation))

    def ship(self, plan_id: str, line_id: str, source: str, destination: str, doses: int) -> None:
        """Inventory's side of a release: dispatch against the allocation line, then proof of delivery."""
        shipment = f"SH-{uuid.uuid4().hex[:8]}"
        self.publish("inventory", shipment, inventory.ShipmentDispatched(
            shipment_id=shipment, from_location_id=source, to_location_id=destination,
            lines=[common.StockLine(lot_id=self.lot, doses=doses, vials=doses // 10)],
            allocation_plan_id=plan_id, allocation_line_id=line_id))
        self.publish("inventory", shipment, inventory.ShipmentReceived(
            shipment_id=shipment, to_location_id=destination,
            lines=[inventory_types.ReceivedLine(lot_id=self.lot, accepted_doses=doses, accepted_vials=doses // 10)]))

    # -- registration and immunization --------------------------------------------------------------------
    def approve_people(self, province: str, count: int, centre: str = "") -> None:
        APPROVED[province] += count
        for _ in range(count):
            person = str(uuid.uuid4())
            self.publish("registration", person, registration.RegistrationApproved(
                person_id=person, approver_id="officer-96", province_code=province))
            if centre:
                self.publish("registration", person, registration.PersonAssignedToDistrict(
                    person_id=person, district_health_centre_id=centre))

    def first_doses(self, count: int) -> None:
        for _ in range(count):
            dose = str(uuid.uuid4())
            self.publish("immunization", dose, immunization.DoseAdministered(
                dose_id=dose, person_id=str(uuid.uuid4()), site_id=self.site, presentation_id=self.presentation,
                lot_id=self.lot, series="PRIMARY", dose_number=1))


# -- the service and its world, for module-scoped fixtures ----------------------------------------------------
def running_allocation(infra) -> Iterator[RunningService]:
    """Web + worker of the allocation service, started once the broker answers; dropped afterwards."""
    workdir = private_workdir("allocation")
    private, public = generate_dev_keypair(workdir / "keys")
    wait_for(lambda: kafka_reachable(infra.kafka_bootstrap), timeout=60, interval=0.5, what="Kafka metadata")
    service = start_service("allocation", server_url=infra.server_url, kafka_bootstrap=infra.kafka_bootstrap,
                            public_key=public, workdir=workdir, migrations=MIGRATIONS)
    service.private_key = Path(private).read_bytes()
    yield service
    service.stop()
    drop_service_database(service, infra.server_url)


def populated_world(allocation: RunningService, infra) -> Iterator[World]:
    """The supply tree, 100,000 doses of one lot at the national store and approved registrants, as read."""
    world = World(infra.kafka_bootstrap)
    world.supply_tree()
    world.product(100_000)
    world.approve_people("96", 30, world.district)
    world.approve_people("95", 10)
    admin = bearer(allocation, "analyst", "national")
    for location in (world.national, *world.store.values(), world.army, world.district, world.site):
        wait_for(lambda loc=location: get(allocation, f"/v1/locations/{loc}", admin).status_code == 200,
                 what=f"location {location} in the read model")
    wait_for(lambda: on_hand(allocation, world.national, world) == 100_000, what="the national stock")
    wait_for(lambda: population(allocation, "NATIONAL", "") == {"96": APPROVED["96"], "95": APPROVED["95"]},
             what="approved registrants")
    yield world
    world.close()


@pytest.fixture(scope="module")
def allocation(infra) -> Iterator[RunningService]:
    """The allocation service for one test module (import it into the module with :func:`world`)."""
    yield from running_allocation(infra)


@pytest.fixture(scope="module")
def world(allocation, infra) -> Iterator[World]:
    """The populated world for one test module."""
    yield from populated_world(allocation, infra)


# -- HTTP helpers -------------------------------------------------------------------------------------------
def bearer(service, role: str, *scopes: str, sub: str | None = None) -> dict[str, str]:
    token = mint_token(service.private_key, subject=sub or f"{role}-1", role=role, scopes=list(scopes))
    return {"Authorization": f"Bearer {token}"}


def get(service, path: str, headers, **params) -> requests.Response:
    return requests.get(service.url(path), params=params, headers=headers, timeout=10)


def post(service, path: str, body: dict, headers) -> requests.Response:
    return requests.post(service.url(path), json=body, headers=headers, timeout=30)


def post_raw(service, path: str, body: dict, headers) -> requests.Response:
    """POST a body as Python's json writes it (NaN, Infinity and lone surrogates included)."""
    return requests.post(service.url(path), data=json.dumps(body), timeout=30,
                         headers={**headers, "Content-Type": "application/json"})


def on_hand(service, location: str, world: World) -> int:
    response = get(service, "/v1/supply", bearer(service, "analyst", "national"), location_id=location,
                   presentation_id=world.presentation)
    return sum(item["on_hand"] for item in response.json()["items"])


def population(service, level: str, province: str) -> dict[str, int]:
    items = get(service, "/v1/demand", bearer(service, "analyst", "national"), level=level,
                province_code=province).json()["items"]
    return {i["unit_id"]: i["population"] for i in items if i["unit_id"] in ("96", "95")}


def events_of(service, aggregate_id: str) -> int:
    with psycopg.connect(service.database_url) as conn:
        return conn.execute("SELECT count(*) FROM events WHERE aggregate_id = %s", (aggregate_id,)).fetchone()[0]


def all_events(service) -> int:
    """Every event a request appended to the service's store: a refused request must leave it unchanged.

    The service's own workers (actor role ``system``: the second-dose reserve worker) append in the background
    as they read the topics - which the suite's other modules share - so they are not counted."""
    with psycopg.connect(service.database_url) as conn:
        return conn.execute("SELECT count(*) FROM events WHERE actor_role <> 'system'").fetchone()[0]


def assert_rejected(response: requests.Response, rule: str, field: str | None, status: int = 422) -> None:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == "application/problem+json"
    assert (response.json()["rule"], response.json().get("field")) == (rule, field), response.json()


def plan_id() -> str:
    return f"AP-{uuid.uuid4().hex[:10].upper()}"


def national_plan(world: World, plan_id: str, **changes) -> dict:
    return {"plan_id": plan_id, "level": "NATIONAL", "source_location_id": world.national,
            "presentation_id": world.presentation, "lot_ids": [world.lot], "method": "POPULATION",
            "total_doses": 40_000, "funding_source": "COVAX", "legal_reference": "QD-3355/QD-BYT",
            "completion_deadline_date": "2099-05-31", "target_group_codes": [], "recipients": ["96", "95"],
            "fixed_quotas": {world.army: 4_000}, **changes}


def session_body(world: World, *, tables: int, persons: int) -> dict:
    starts = (datetime.now(UTC) + timedelta(days=1)).replace(hour=1, minute=0, second=0, microsecond=0)
    return {"session_id": f"SES-{uuid.uuid4().hex[:10]}", "site_id": world.site,
            "session_date": starts.date().isoformat(), "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=4)).isoformat(), "injection_tables": tables,
            "presentation_id": world.presentation, "planned_persons": persons, "planned_doses": persons,
            "priority_group_codes": ["G1"]}
