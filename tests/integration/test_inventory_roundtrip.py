"""Whatever inventory's write side accepts, every projection that reads the inventory topic can apply.

One case per event type of inventory's codec: hypothesis builds events within what the inventory API and its
decisions let through (:data:`COMMON` and :data:`BY_EVENT` bound each field as the request models and the
domain do), and each is applied, through a Kafka record and back, by every projection of every service that
consumes ``vaxtrail.inventory.v1`` - inventory's own and the other services', each built through its
``bootstrap.WIRING`` and applied to a database migrated with that service's migrations.
"""

from __future__ import annotations

import importlib
import uuid
from decimal import Decimal

import pytest
from hypothesis import strategies as st

from eventkit.db import drop_database, ensure_database, migrate
from eventkit.settings import SERVICES, Settings
from eventkit.topics import event_topic
from services.inventory.api.models.requests import MAX_DOSES
from services.inventory.codec import EVENTS, build_codec
from services.inventory.domain import coldchain, consumption, ledger, lots, reference, shipments
from services.inventory.handlers.consumption import MISSING
from services.inventory.projections import stock

from .roundtrip import IDS, TEXT, check_batch_matches_handlers, check_every_projection_applies

INVENTORY_TOPIC = event_topic("inventory")


def one_of(*values: str) -> st.SearchStrategy:
    return st.sampled_from(sorted(values))


DOSES = st.integers(-MAX_DOSES, MAX_DOSES)
"""The request models' ``Doses``; signs are the decisions' business."""
BALANCE = st.integers(0, 2**31 - 1)
"""Book balances the decisions compute (sums of movements)."""
SMALL = st.integers(0, 1000)
OPTIONAL_ID = st.just("") | IDS
COMMON = {
    "doses": DOSES, "vials": DOSES, "accepted_doses": DOSES, "rejected_doses": DOSES, "accepted_vials": DOSES,
    "rejected_vials": DOSES, "counted_doses": DOSES, "previous_balance_doses": BALANCE, "balance_doses": BALANCE,
    "vvm_stage": st.integers(0, 4), "version": st.integers(1, 2**31 - 1),
    "presentation_version": st.integers(1, 2**31 - 1), "doses_per_vial": SMALL, "injection_tables": SMALL,
    "max_days": SMALL, "thaw_beyond_use_days": SMALL, "open_vial_window_hours": SMALL, "min_age_years": SMALL,
    "series_doses": SMALL, "extra_doses_allowed": SMALL,
    "min_celsius": st.decimals(-100, 100, places=2), "max_celsius": st.decimals(-100, 100, places=2),
    "dose_volume_ml": st.decimals(0, 100, places=4), "diluent_volume_ml": st.decimals(Decimal(0), 100, places=4),
    "required_min_celsius": st.from_regex(r"(-?\d{1,3}(\.\d{1,2})?)?", fullmatch=True),
    "required_max_celsius": st.from_regex(r"(-?\d{1,3}(\.\d{1,2})?)?", fullmatch=True),
    "province_code": st.just("") | st.from_regex(r"\d{2}", fullmatch=True),
    "district_code": st.just("") | st.from_regex(r"\d{3}", fullmatch=True),
    "commune_code": st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), max_size=5),
    "supplied_by": IDS, "components": TEXT,
    "parent_id": OPTIONAL_ID, "scope_id": OPTIONAL_ID, "storage_unit_id": OPTIONAL_ID, "shipment_id": OPTIONAL_ID,
    "allocation_plan_id": OPTIONAL_ID, "allocation_line_id": OPTIONAL_ID, "transport_id": OPTIONAL_ID,
    "storage_capabilities": one_of("ULTRA_COLD", "FROZEN", "FRIDGE"),
    "special_unit_type": one_of("", "ARMY", "POLICE", "HOSPITAL", "INSTITUTE", "OTHER"),
    "vaccine_code_system": one_of("CVX", "NATIONAL"),
    "condition": one_of(*reference.STORAGE_CONDITIONS),
    "required_storage_condition": one_of(*reference.STORAGE_CONDITIONS),
    "platform": one_of("", "MRNA", "VIRAL_VECTOR", "INACTIVATED", "PROTEIN_SUBUNIT"),
    "funding_source": one_of(*lots.FUNDING_SOURCES), "scope": one_of(*lots.SCOPES),
    "unit_type": one_of(*coldchain.UNIT_TYPES), "alarm_type": one_of(*coldchain.ALARMS),
    "decision": one_of(*coldchain.VERDICTS),
    "rejection_reason": one_of("", *shipments.REJECTION_REASONS),
    "reverses_event_type": one_of(*ledger.REVERSIBLE.values()),
    "reverses_event_id": st.uuids().map(str),  # a movement's event id: the decision finds it on the stock item
}
"""Field name -> what the API and the decisions let through (at any depth of an event)."""

CONSUMPTION_REASONS = {*MISSING.values(), "WRONG_VIAL_SIZE", "BOOKS_CLOSED", "NO_STOCK", "INSUFFICIENT_STOCK",
                       "LOT_SUSPENDED", "LOT_RECALLED", "LOT_EXPIRED", "UNDER_EXCURSION"}
BY_EVENT = {
    reference.LocationRegistered: {"kind": one_of(*reference.LOCATION_KINDS)},
    ledger.DoseReceived: {"source": one_of(*ledger.RECEIPT_SOURCES)},
    ledger.StockTransferredIn: {"kind": one_of("DELIVERY", "RETURN")},
    ledger.StockAdjusted: {"reason": one_of(*ledger.DEBIT_REASONS, *ledger.CREDIT_REASONS)},
    ledger.PhysicalCountRecorded: {"reason": one_of(*ledger.COUNT_REASONS)},
    ledger.StockConsumed: {"source": one_of(consumption.VIAL_OPENED, consumption.DOSE_ADMINISTERED)},
    ledger.ConsumptionDiscrepancyDetected: {"source": one_of(consumption.VIAL_OPENED, consumption.DOSE_ADMINISTERED),
                                            "reason": one_of(*CONSUMPTION_REASONS)},
}
"""Per event type, where one field name means different things in different events."""


def consumers(settings_for) -> dict[str, list]:
    """Service -> its projections that read the inventory topic, each built through the service's wiring."""
    found = {}
    for service in SERVICES:
        wiring = importlib.import_module(f"services.{service}.bootstrap").WIRING
        reading = [p for p in wiring.projections(settings_for(service), wiring.codec()) if INVENTORY_TOPIC in p.topics]
        if reading:
            found[service] = (wiring, reading)
    return found


@pytest.fixture(scope="module")
def databases(infra):
    """Service -> (database url, projections): one database per consuming service, migrated as that service."""
    tag = uuid.uuid4().hex[:8]

    def settings_for(service: str) -> Settings:
        return Settings(service=service, database_url=infra.database_url(f"roundtrip_{service}_{tag}"),
                        kafka_bootstrap="unused:0")

    found = consumers(settings_for)
    made = {}
    try:
        for service, (wiring, projections) in found.items():
            ensure_database(infra.server_url, f"roundtrip_{service}_{tag}")
            url = settings_for(service).database_url
            migrate(url, wiring.migrations)
            made[service] = (url, projections)
        yield made
    finally:
        for service in found:
            drop_database(infra.server_url, f"roundtrip_{service}_{tag}")


def test_the_consumers_include_other_services(databases):
    assert {"inventory", "immunization", "allocation", "registration", "certificate"} <= set(databases)


@pytest.mark.parametrize("event_class", EVENTS, ids=[e.__name__ for e in EVENTS])
def test_every_projection_reading_the_inventory_topic_applies_every_event_the_api_allows(databases, event_class):
    codec = build_codec()
    overrides = COMMON | BY_EVENT.get(event_class, {})
    for _, (url, projections) in sorted(databases.items()):
        check_every_projection_applies(url, projections, codec, event_class, overrides=overrides)


FEW = {"location_id": one_of("NAT-EPI", "CDC-79"), "lot_id": one_of("ABV5300", "ABV5301"),
       "storage_unit_id": one_of("", "FRIDGE-1", "FRIDGE-2"), "presentation_id": one_of("AZ-10", "AZ-20")}
"""Stock items and storage units drawn from a few values, so that a sequence's events meet on them."""


def test_stock_on_hand_applied_as_a_batch_leaves_the_tables_the_handlers_leave(databases):
    url, projections = databases["inventory"]
    [projection] = [p for p in projections if p.name == "stock_on_hand"]
    check_batch_matches_handlers(url, projection, build_codec(), [*stock.EFFECTS, ledger.ConsumptionDiscrepancyDetected],
                                 overrides=COMMON | FEW | BY_EVENT[ledger.DoseReceived], max_examples=60)
