"""Each allocation projection handles or explicitly ignores every event type of the topic it reads."""

from __future__ import annotations

from eventkit.codec import CROSS_CUTTING_EVENTS
from eventkit.settings import Settings
from services.allocation.bootstrap import WIRING
from vaxtrail.allocation.v1 import events_pb2 as allocation
from vaxtrail.immunization.v1 import events_pb2 as immunization
from vaxtrail.inventory.v1 import events_pb2 as inventory
from vaxtrail.registration.v1 import events_pb2 as registration

READS = {"supply": ("vaxtrail.inventory.v1", inventory), "demand": ("vaxtrail.registration.v1", registration),
         "doses_given": ("vaxtrail.immunization.v1", immunization),
         "public_allocations": ("vaxtrail.allocation.v1", allocation)}


def test_every_event_type_of_a_consumed_topic_is_handled_or_ignored_explicitly():
    settings = Settings(service="allocation", database_url="postgresql://offline/none", kafka_bootstrap="offline:0")
    projections = {p.name: p for p in WIRING.projections(settings, WIRING.codec())}
    assert set(projections) == set(READS)
    for name, (topic, module) in READS.items():
        projection = projections[name]
        every = {m.full_name for m in module.DESCRIPTOR.message_types_by_name.values()} | CROSS_CUTTING_EVENTS
        assert projection.topics == (topic,)
        assert set(projection.handlers) | projection.ignored == every
        assert not set(projection.handlers) & projection.ignored
