"""Projections declared by event class: topics, decoders and ignored sets are derived (no servers)."""

from __future__ import annotations

import pytest

from eventkit.codec import topic_event_types
from eventkit.readmodels import declare
from services.inventory.codec import build_codec
from services.inventory.domain import ledger
from vaxtrail.registration.v1 import events_pb2 as registration


def noop(conn, event, message) -> None:
    return None


def test_topics_and_ignored_types_are_derived_from_the_handled_classes():
    codec = build_codec()
    projection = declare("mixed", {ledger.DoseReceived: noop, registration.PersonRegistered: noop}, codec=codec,
                         tables=("t",))
    assert projection.topics == ("vaxtrail.inventory.v1", "vaxtrail.registration.v1")
    handled = {"vaxtrail.inventory.v1.DoseReceived", "vaxtrail.registration.v1.PersonRegistered"}
    assert set(projection.handlers) == handled
    assert projection.ignored == (topic_event_types("inventory") | topic_event_types("registration")) - handled
    assert projection.tables == ("t",)


def test_each_type_decodes_with_its_own_decoder():
    codec = build_codec()
    projection = declare("mixed", {ledger.DoseReceived: noop, registration.PersonRegistered: noop}, codec=codec)
    message = registration.PersonRegistered(person_id="P-1")
    decoded = projection.decoder("vaxtrail.registration.v1.PersonRegistered", message.SerializeToString())
    assert decoded.person_id == "P-1"


def test_a_dataclass_needs_the_codec_that_registered_it():
    with pytest.raises(TypeError):
        declare("no-codec", {ledger.DoseReceived: noop})
