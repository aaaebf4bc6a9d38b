"""Each allocation projection handles or explicitly ignores every event type of the topic it reads."""

from __future__ import annotations

from eventkit.codec import CROSS_CUTTING_EVENTS
from services.allocation.projections.demand import demand
from services.allocation.projections.doses import doses_given
from services.allocation.projections.supply import supply
from vaxtrail.immunization.v1 import events_pb2 as immunization
from vaxtrail.inventory.v1 import events_pb2 as inventory
from vaxtrail.registration.v1 import events_pb2 as registration


def test_every_event_type_of_a_consumed_topic_is_handled_or_ignored_explicitly():
    for projection, module in ((supply(), inventory), (demand(), registration),
                               (doses_given(), immunization)):
        every = {m.full_name for m in module.DESCRIPTOR.message_types_by_name.values()} | CROSS_CUTTING_EVENTS
        assert set(projection.handlers) | projection.ignored == every
        assert not set(projection.handlers) & projection.ignored
