"""The compiled readers decode every registered event exactly as the plans' field-by-field read does."""

from __future__ import annotations

import importlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eventkit.codec import CodecError, ProtoCodec
from tests.integration.roundtrip import events_of
from vaxtrail.inventory.v1 import events_pb2 as inventory_pb2

SERVICES = ("registration", "inventory", "allocation", "immunization", "certificate")
CODECS = {service: importlib.import_module(f"services.{service}.codec").build_codec() for service in SERVICES}
CASES = [(service, cls) for service, codec in CODECS.items() for cls in sorted(
    (r.event_class for r in codec._by_type.values()), key=lambda c: c.__qualname__)]


@pytest.mark.parametrize(("service", "event_class"), CASES, ids=[f"{s}.{c.__name__}" for s, c in CASES])
def test_the_compiled_reader_gives_the_event_the_plan_reads(service, event_class):
    codec: ProtoCodec = CODECS[service]
    plan = codec._by_class[event_class].plan

    @settings(max_examples=20, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
    @given(events_of(event_class))
    def same(event):
        try:
            message = codec.to_message(event)
        except (CodecError, ValueError):
            return  # not storable: the store refuses it at append
        expected = plan.read(message)
        assert plan.compiled_read(message) == expected == event

    same()


def test_a_required_field_absent_on_the_wire_is_still_the_plans_error():
    from services.inventory.domain import ledger

    plan = CODECS["inventory"]._by_class[ledger.VialsThawed].plan
    message = inventory_pb2.VialsThawed(location_id="NAT-EPI", lot_id="ABV5300")  # no beyond_use_date
    with pytest.raises(CodecError) as plain:
        plan.read(message)
    with pytest.raises(CodecError) as fast:
        plan.fast_read(message)
    assert str(fast.value) == str(plain.value)
    with pytest.raises(Exception):  # noqa: B017 - the compiled reader alone just stops
        plan.compiled_read(message)


@settings(deadline=None)
@given(st.binary(max_size=60))
def test_decoding_any_bytes_gives_the_same_event_or_error_either_way(payload):
    codec = CODECS["inventory"]
    event_type = "vaxtrail.inventory.v1.DoseReceived"
    registration = codec._by_type[event_type]
    try:
        message = registration.message_class.FromString(payload)
    except Exception:  # noqa: BLE001 - not a message: the codec's own DecodeError path
        return
    outcomes = []
    for read in (registration.plan.read, registration.plan.fast_read):
        try:
            outcomes.append(read(message))
        except CodecError as exc:
            outcomes.append(str(exc))
    assert outcomes[0] == outcomes[1]
