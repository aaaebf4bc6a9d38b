"""What an export may carry about people: every personal-looking field of every event is classified, person
aggregates are known, pseudonyms are keyed, identifiers appear only under the identifiers policy."""

from __future__ import annotations

import re

import pytest
from google.protobuf.descriptor import FieldDescriptor
from vaxtrail_analytics.export.columns import ENVELOPE_NAMES, payload_columns
from vaxtrail_analytics.export.privacy import (
    ACTOR_FIELDS,
    BENIGN,
    BIRTH_DATE,
    DIRECT_IDENTIFIERS,
    PERSON_AGGREGATES,
    PERSON_FIELDS,
    Identifiers,
    Pseudonymised,
)

from eventkit.aggregates import AggregateSpec
from eventkit.codec import find_event_message_class, topic_event_types
from eventkit.settings import SERVICES
from vaxtrail.common.v1 import types_pb2 as common_pb2
from vaxtrail.registration.v1 import events_pb2 as registration_pb2

LOOKS_PERSONAL = re.compile(r"name|phone|mail|address|birth|national|person|actor|account|approv|report|perform|"
                            r"screen|assess|evidence|staff|_by$|^by_|signer|officer|owner|recorder|who")
CLASSIFIED = PERSON_FIELDS | ACTOR_FIELDS | DIRECT_IDENTIFIERS | {BIRTH_DATE} | BENIGN


def _fields(descriptor, path=()):
    for field in descriptor.fields:
        yield (*path, field.name), field
        if field.type == FieldDescriptor.TYPE_MESSAGE and field.message_type.full_name != "google.protobuf.Timestamp":
            yield from _fields(field.message_type, (*path, field.name))


def _every_event_type():
    return sorted({t for service in SERVICES for t in topic_event_types(service)})


def test_every_personal_looking_field_of_every_event_type_is_classified():
    unclassified = []
    for event_type in _every_event_type():
        for path, _ in _fields(find_event_message_class(event_type).DESCRIPTOR):
            name = path[-1]
            if LOOKS_PERSONAL.search(name) and name not in CLASSIFIED and ".".join(path) not in CLASSIFIED:
                unclassified.append(f"{event_type}: {'.'.join(path)}")
    assert unclassified == [], "classify these in vaxtrail_analytics/export/privacy.py"


def test_every_aggregate_keyed_by_a_person_is_pseudonymised():
    import importlib

    keyed_by_person = set()
    for module in ("services.registration.handlers.base", "services.certificate.handlers",
                   "services.immunization.handlers", "services.inventory.handlers.aggregates",
                   "services.allocation.handlers.aggregates"):
        for value in vars(importlib.import_module(module)).values():
            if isinstance(value, AggregateSpec) and value.id_field in ("person_id", "national_id"):
                keyed_by_person.add(value.type)
    assert keyed_by_person and keyed_by_person <= PERSON_AGGREGATES


def test_pseudonyms_are_stable_under_one_key_different_under_another_and_need_a_long_key():
    one, other = Pseudonymised(b"a" * 32), Pseudonymised(b"b" * 32)
    assert one.person("P-1") == one.person("P-1") != other.person("P-1")
    assert one.person("P-1").startswith("ps_") and "P-1" not in one.person("P-1")
    assert one.person("") == ""
    with pytest.raises(ValueError, match="at least 32 bytes"):
        Pseudonymised(b"short")


def _registered() -> registration_pb2.PersonRegistered:
    return registration_pb2.PersonRegistered(
        person_id="P-1", national_id="079185000111", full_name="Phạm Thị Hồng", date_of_birth="1985-03-14",
        phone="+84912000111", account_id="citizen-1", registered_by="ORG-1", registered_by_kind="ORGANISATION",
        address=common_pb2.Address(province_code="79", district_code="760", commune_code="26734",
                                   address_line="12 Lê Lợi"))


def test_a_pseudonymised_row_has_no_identifier_and_only_the_birth_year():
    policy = Pseudonymised(b"k" * 32)
    columns = payload_columns(registration_pb2.PersonRegistered.DESCRIPTOR, policy)
    row = {c.name: c.get(_registered()) for c in columns}
    assert not set(row) & {"national_id", "full_name", "phone", "date_of_birth", "address_address_line",
                           "address_commune_code"}
    assert row["birth_year"] == 1985 and row["address_province_code"] == "79"
    assert row["person_id"] == policy.person("P-1") and row["account_id"] == policy.person("citizen-1")
    assert row["registered_by"] == "ORG-1"  # an organisation's id is not a person's


def test_the_identifiers_policy_keeps_every_field_in_clear():
    columns = payload_columns(registration_pb2.PersonRegistered.DESCRIPTOR, Identifiers("admin", "national_admin"))
    row = {c.name: c.get(_registered()) for c in columns}
    assert (row["full_name"], row["date_of_birth"], row["person_id"], row["address_address_line"]) == (
        "Phạm Thị Hồng", "1985-03-14", "P-1", "12 Lê Lợi")


def test_a_payload_field_named_like_an_envelope_column_is_prefixed():
    from vaxtrail.audit.v1 import events_pb2 as audit_pb2

    names = {c.name for c in payload_columns(audit_pb2.PersonalDataAccessed.DESCRIPTOR, Pseudonymised(b"k" * 32))}
    assert {"payload_actor_id", "payload_actor_role"} <= names and not names & ENVELOPE_NAMES
