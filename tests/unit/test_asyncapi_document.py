"""The checked-in AsyncAPI document (schemas/asyncapi.json) is current and tells the truth about the wire.

Drift: regenerated, it must equal the committed copy. Truth: every topic of the registry is a channel, every
event type a service's codec registers is a message on its topic, the header schemas name exactly the
headers the relay and the dead-letter writer put on records, and each payload schema accepts the protobuf
JSON mapping of a message with every field set. The official parser (tools/asyncapi) accepts the document and
rejects a broken copy; ``make lint`` runs it on the real one.
"""

from __future__ import annotations

import copy
import importlib
import json
import shutil
import subprocess
import uuid
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from google.protobuf import json_format
from google.protobuf.descriptor import FieldDescriptor
from jsonschema import Draft7Validator

from eventkit.codec.messages import find_event_message_class
from eventkit.envelope import StoredEvent
from eventkit.kafka_record import to_record
from eventkit.projections.deadletter import DeadRecord, dead_letter_headers
from eventkit.settings import SERVICES
from eventkit.topics import PER_PARTNER_FEEDS, all_topics, event_topic, partner_feed_topic
from vaxtrail.partner.v1 import feeds_pb2
from vaxtrail_cli.asyncapi import checked_in_path, current_document, render

ROOT = Path(__file__).resolve().parents[2]
VALIDATOR = ROOT / "tools" / "asyncapi"


@pytest.fixture(scope="module")
def document():
    return current_document()


def test_the_checked_in_asyncapi_document_is_current(document):
    path = checked_in_path()
    assert path.exists() and path.read_text() == render(document), (
        f"{path} is stale: run `vaxtrail asyncapi --write`")


def test_every_registry_topic_is_a_channel_with_its_production_size(document):
    channels = {c["address"]: c for c in document["channels"].values()}
    for spec in all_topics(national=True):
        assert channels[spec.name]["bindings"]["kafka"]["partitions"] == spec.partitions
    per_partner = {partner_feed_topic(feed, "{partner}") for feed in PER_PARTNER_FEEDS}
    assert set(channels) == {spec.name for spec in all_topics()} | per_partner


@pytest.mark.parametrize("service", SERVICES)
def test_each_event_topic_carries_exactly_what_its_service_appends(document, service):
    codec = importlib.import_module(f"services.{service}.bootstrap").WIRING.codec()
    channel = next(c for c in document["channels"].values() if c["address"] == event_topic(service))
    refs = {m["$ref"].rsplit("/", 1)[-1] for m in channel["messages"].values()}
    assert refs == set(codec.event_types())


def _event(idempotency_key: str | None) -> StoredEvent:
    now = datetime(2021, 4, 17, 1, 30, tzinfo=UTC)
    return StoredEvent(position=1, event_id=uuid.uuid4(), event_type="vaxtrail.inventory.v1.DoseReceived",
                       aggregate_type="lot", aggregate_id="LOT-ABV5300", aggregate_version=1, occurred_at=now,
                       recorded_at=now, producer="inventory", actor_id="officer-1", actor_role="national_admin",
                       correlation_id="c-1", causation_id="", idempotency_key=idempotency_key, payload=b"",
                       prev_hash=bytes(32), hash=bytes(32))


def test_the_event_headers_are_exactly_those_the_relay_writes(document):
    schema = document["components"]["schemas"]["EventHeaders"]
    with_key = {name for name, _ in to_record(_event("device-7#12")).headers}
    without_key = {name for name, _ in to_record(_event(None)).headers}
    assert set(schema["properties"]) == with_key
    assert set(schema["required"]) == without_key
    validator = Draft7Validator(schema)
    for record in (to_record(_event("device-7#12")), to_record(_event(None))):
        validator.validate({name: value.decode() for name, value in record.headers})


def test_the_dead_letter_headers_are_those_the_runner_adds(document):
    schema = document["components"]["schemas"]["DeadLetterHeaders"]
    source = SimpleNamespace(topic="vaxtrail.immunization.v1", partition=3, offset=41, key=b"k", value=b"v",
                             headers=[("ce_type", b"x"), ("partner-trace", None)])
    added = dict(dead_letter_headers(DeadRecord(source, "undecodable", "bad"), service="inventory",
                                     projection="consumption"))
    assert {n for n in added if n.startswith("vaxtrail_dlq_")} == set(schema["properties"])
    Draft7Validator(schema).validate({name: value.decode() for name, value in added.items()})


def _fill(message, depth: int = 0) -> None:
    """Set every field of ``message`` to a value that is not its default (one item in a repeated field)."""
    scalars = {FieldDescriptor.CPPTYPE_STRING: "S-79-760-01", FieldDescriptor.CPPTYPE_BOOL: True,
               FieldDescriptor.CPPTYPE_INT32: -7, FieldDescriptor.CPPTYPE_INT64: -(2**40),
               FieldDescriptor.CPPTYPE_UINT32: 7, FieldDescriptor.CPPTYPE_UINT64: 2**40,
               FieldDescriptor.CPPTYPE_DOUBLE: 1.5, FieldDescriptor.CPPTYPE_FLOAT: 1.5}
    for field in message.DESCRIPTOR.fields:
        repeated = field.is_repeated
        if field.message_type is not None:
            child = getattr(message, field.name).add() if repeated else getattr(message, field.name)
            if field.message_type.full_name == "google.protobuf.Timestamp":
                child.FromDatetime(datetime(2021, 4, 17, 1, 30, 5, 120000, tzinfo=UTC))
            else:
                assert depth < 5, f"{field.full_name}: recursive message"
                _fill(child, depth + 1)
            continue
        value = b"\x00\xffhash" if field.type == FieldDescriptor.TYPE_BYTES else scalars[field.cpp_type]
        if repeated:
            getattr(message, field.name).append(value)
        else:
            setattr(message, field.name, value)


FEED_MESSAGES = {m.full_name: getattr(feeds_pb2, m.name) for m in feeds_pb2.DESCRIPTOR.message_types_by_name.values()}
"""The partner feeds' records: messages of the document that are not events."""


def _message_class(name: str):
    return FEED_MESSAGES.get(name) or find_event_message_class(name)


def _every_event_type(document) -> list[str]:
    return sorted(name for name in document["components"]["messages"] if name.startswith("vaxtrail."))


def test_every_payload_schema_accepts_the_json_mapping_of_a_full_message(document):
    checked = 0
    for event_type in _every_event_type(document):
        message = _message_class(event_type)()
        _fill(message)
        as_json = json_format.MessageToDict(message, preserving_proto_field_name=True)
        payload = document["components"]["messages"][event_type]["payload"]
        strict = copy.deepcopy(document["components"])
        for schema in strict["schemas"].values():
            if "x-protobuf-message" in schema:
                schema["additionalProperties"] = False  # a field the schema lacks fails here
        Draft7Validator({"allOf": [payload], "components": strict}).validate(as_json)
        checked += 1
    assert checked > 70


def test_payload_properties_carry_the_protobuf_field_numbers(document):
    for event_type in _every_event_type(document):
        descriptor = _message_class(event_type).DESCRIPTOR
        properties = document["components"]["schemas"][event_type]["properties"]
        assert {n: p["x-protobuf-field"] for n, p in properties.items()} == {
            f.name: f.number for f in descriptor.fields}


def _parser() -> list[str]:
    node = shutil.which("node")
    if node is None or not (VALIDATOR / "node_modules" / "@asyncapi" / "parser").is_dir():
        pytest.skip("node or tools/asyncapi/node_modules (make setup) is missing")
    return [node, str(VALIDATOR / "validate.mjs")]


def test_the_official_parser_accepts_the_document_and_rejects_broken_copies(document, tmp_path):
    action = copy.deepcopy(document)
    action["operations"]["inventory_publishes"]["action"] = "publish"  # AsyncAPI 2's word, not 3's
    binding = copy.deepcopy(document)
    binding["channels"]["vaxtrail_inventory_v1"]["bindings"]["kafka"]["partitions"] = "twelve"
    dangling = copy.deepcopy(document)
    dangling["operations"]["audit_reads_inventory"]["channel"] = {"$ref": "#/channels/vaxtrail_nowhere_v1"}
    broken = {"action": action, "binding": binding, "dangling": dangling}
    for name, content in broken.items():
        (tmp_path / f"{name}.json").write_text(json.dumps(content))
    result = subprocess.run([*_parser(), str(checked_in_path()), *(str(tmp_path / f"{n}.json") for n in broken)],
                            capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{checked_in_path()}: valid AsyncAPI 3.0.0" in result.stdout
    for name in broken:
        assert f"{name}.json: INVALID" in result.stdout
    assert "error asyncapi-document-resolved at /operations/inventory_publishes/action" in result.stdout
    assert "at /channels/vaxtrail_inventory_v1/bindings/kafka/partitions" in result.stdout
    assert "error invalid-ref at /operations/audit_reads_inventory/channel/$ref" in result.stdout
