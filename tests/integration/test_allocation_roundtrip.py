"""Whatever allocation's API lets into its store, every projection of the allocation topic can apply.

One case per event type the allocation codec registers: hypothesis builds events within the bounds of
allocation's request types (ids, codes, single-line and multi-line text, int32 quantities, 1900-2099 dates
and times, the literal choices) and applies each through Kafka's record format to every projection that
reads ``vaxtrail.allocation.v1`` in ANY service (allocation's own read models read other topics; inventory's
``allocations``, registration's ``planned_sessions``, immunization's ``allocation_reference``, ...), each on
a database migrated with its own service's migrations. The consumers are built only through each service's
``bootstrap.WIRING.projections`` (tests/integration/roundtrip.py).
"""

from __future__ import annotations

import importlib
import uuid
from pathlib import Path

import pytest
from hypothesis import strategies as st

from eventkit.db import drop_database, ensure_database, migrate
from eventkit.settings import Settings
from eventkit.topics import event_topic
from eventkit.web.models import INT32_MAX
from services.allocation.codec import EVENTS, build_codec

from .roundtrip import check_every_projection_applies

SERVICES = sorted(p.parent.name for p in (Path(__file__).parents[2] / "services").glob("*/bootstrap.py"))
TOPIC = event_topic("allocation")


def _text(max_size: int, *, min_size: int = 0, multiline: bool = False) -> st.SearchStrategy[str]:
    """What ``eventkit.web.models.line`` / ``text`` accept (line breaks and tab only in multi-line text)."""
    characters = st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"))
    if multiline:
        characters = characters | st.sampled_from("\t\n\r")
    return st.text(characters, min_size=min_size, max_size=max_size)


def _ids(max_length: int) -> st.SearchStrategy[str]:
    return st.from_regex(rf"[A-Za-z0-9][A-Za-z0-9._:\-]{{0,{max_length - 1}}}", fullmatch=True)


ID = _ids(128)
RECORD_ID = _ids(64)
CODE = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._\-]{0,31}", fullmatch=True)
QUANTITY = st.integers(1, INT32_MAX)
COUNT = st.integers(0, INT32_MAX)
SERIES = st.sampled_from(["PRIMARY", "ADDITIONAL", "BOOSTER"])

OVERRIDES = {
    **dict.fromkeys(("plan_id", "line_id", "session_id"), RECORD_ID),
    **dict.fromkeys(("presentation_id", "lot_ids", "lot_id", "source_location_id", "from_location_id",
                     "recipient_unit_id", "recipient_location_id", "site_id", "to_site_id",
                     "district_health_centre_id", "held_at_location_id", "unit_id"), ID),
    "reservation_id": st.builds(lambda *parts: ":".join(("reserve", *parts)), ID, ID, ID),
    **dict.fromkeys(("target_group_codes", "priority_group_codes"), CODE),
    "level": st.sampled_from(["NATIONAL", "PROVINCE"]),
    "issuing_province_code": st.from_regex(r"([0-9]{2})?", fullmatch=True),
    "method": st.sampled_from(["POPULATION", "PRIORITY_WEIGHTED", "PROGRESS", "MANUAL"]),
    "funding_source": st.sampled_from(["COVAX", "PURCHASE", "DONATION"]),
    "recipient_unit_kind": st.sampled_from(["PROVINCE", "SPECIAL_UNIT", "DISTRICT"]),
    **dict.fromkeys(("series", "target_series"), SERIES),
    "legal_reference": _text(200, min_size=1),
    "cohort": _text(200),
    "comment": _text(1000, multiline=True),
    "reason": _text(1000, multiline=True),
    **dict.fromkeys(("doses", "vials", "planned_persons", "planned_doses"), QUANTITY),
    **dict.fromkeys(("total_doses", "first_doses_given", "second_doses_given"), COUNT),
    "delta_doses": st.integers(-INT32_MAX, INT32_MAX),
    **dict.fromkeys(("dose_number", "target_dose_numbers"), st.integers(1, 10)),
    "injection_tables": st.integers(1, 100),
}


def consumers() -> dict[str, tuple[Path, list]]:
    """Per service, its migrations and its projections that read the allocation topic."""
    found = {}
    for service in SERVICES:
        wiring = importlib.import_module(f"services.{service}.bootstrap").WIRING
        settings = Settings(service=service, database_url="postgresql://offline/none", kafka_bootstrap="offline:0")
        reading = [p for p in wiring.projections(settings, wiring.codec()) if TOPIC in p.topics]
        if reading:
            found[service] = (wiring.migrations, reading)
    return found


@pytest.fixture(scope="module")
def consumer_databases(infra):
    """Each consuming service's projections with a fresh database migrated by that service's migrations."""
    databases = {}
    try:
        for service, (migrations, projections) in consumers().items():
            name = f"test_rt_{service}_{uuid.uuid4().hex[:8]}"
            ensure_database(infra.server_url, name)
            databases[name] = (service, projections)
            migrate(infra.database_url(name), migrations)
        yield {name: (infra.database_url(name), service, projections)
               for name, (service, projections) in databases.items()}
    finally:
        for name in databases:
            drop_database(infra.server_url, name)


def test_the_topic_has_consumers_in_other_services():
    assert {"inventory", "registration", "immunization"} <= set(consumers())


@pytest.mark.parametrize("event_class", [event for event, _ in EVENTS], ids=lambda event: event.__name__)
def test_every_projection_of_the_allocation_topic_applies_every_event_the_api_can_cause(consumer_databases,
                                                                                        event_class):
    codec = build_codec()
    for url, service, projections in consumer_databases.values():
        try:
            check_every_projection_applies(url, projections, codec, event_class, overrides=OVERRIDES)
        except Exception as failure:
            failure.add_note(f"in {service}'s projections {[p.name for p in projections]}")
            raise
