"""Declaring a projection by event class: topics, decoders and the ignored set are derived, never hand-listed.

    stock_on_hand = declare("stock_on_hand", {
        ledger.DoseReceived: dose_received,                 # a dataclass of this service: decoded by its codec
        registration_pb2.PersonRegistered: person_added,    # another service's message: decoded as protobuf
    }, codec=codec, tables=("stock_on_hand", "stock_ledger"))

Each key is either a domain event dataclass registered in ``codec`` or a generated protobuf message class;
its event type is the message's full name. The topics are those of the services whose events are handled
(``vaxtrail.<service>.v1``); every other event type those topics can carry (their ``events.proto`` plus the
cross-cutting events) is ignored explicitly, so only a type unknown to this version is dead-lettered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from google.protobuf.message import Message

from eventkit.codec import CROSS_CUTTING_EVENTS, topic_event_types
from eventkit.projections import BatchHandler, Handler, Projection
from eventkit.topics import event_topic


def event_type_of(event_class: type, codec: Any = None) -> tuple[str, Callable[[bytes], Any]]:
    """The event type of a dataclass or message class, and the function that decodes its payload."""
    if isinstance(event_class, type) and issubclass(event_class, Message):
        return event_class.DESCRIPTOR.full_name, event_class.FromString
    if codec is None:
        raise TypeError(f"{event_class!r} is not a protobuf message class and no codec was given")
    event_type = codec.type_of(event_class)
    return event_type, lambda payload: codec.decode(event_type, payload)


def service_of(event_type: str) -> str:
    """``vaxtrail.inventory.v1.DoseReceived`` -> ``inventory``."""
    parts = event_type.split(".")
    if len(parts) != 4 or parts[0] != "vaxtrail":
        raise ValueError(f"{event_type!r} is not a VaxTrail event type")
    return parts[1]


def declare(name: str, handlers: Mapping[type, Handler], *, codec: Any = None, tables: Iterable[str] = (),
            topics: Iterable[str] | None = None, extra: Mapping[str, Any] | None = None,
            batch: BatchHandler | None = None) -> Projection:
    """A :class:`~eventkit.projections.Projection` from handlers keyed by event class (see module docstring).

    ``topics`` is needed only when every handled type is cross-cutting (e.g. PersonalDataAccessed alone).
    ``batch(conn, [(event, message), ...])`` applies a whole batch of the handled types at once, with the
    same effect as the handlers one by one (:mod:`eventkit.projections.model`).
    """
    by_type: dict[str, Handler] = {}
    decoders: dict[str, Callable[[bytes], Any]] = {}
    for event_class, handler in handlers.items():
        event_type, decode = event_type_of(event_class, codec)
        if event_type in by_type:
            raise ValueError(f"{name}: two handlers for {event_type}")
        by_type[event_type], decoders[event_type] = handler, decode
    if topics is None:
        services = sorted({service_of(t) for t in by_type if t not in CROSS_CUTTING_EVENTS})
        topics = [event_topic(s) for s in services]
    topics = tuple(topics)
    if not topics:
        raise ValueError(f"{name}: no topic to consume")
    carried = frozenset().union(*(topic_event_types(service_of(topic + ".X")) for topic in topics))
    return Projection(name=name, topics=topics, handlers=by_type, ignored=carried - by_type.keys(),
                      tables=tuple(tables), decoder=lambda event_type, payload: decoders[event_type](payload),
                      extra=dict(extra or {}), batch=batch)


def positions(pool: Any, projections: Iterable[str]) -> tuple[str, ...]:
    """Where the named projections stand, ``topic:partition:offset`` per partition: recorded on the decisions
    that read them, so an auditor can rebuild those read models as of then and replay the decision."""
    with pool.connection() as conn:
        rows = conn.execute('SELECT topic, partition, "offset" FROM projection_tracking WHERE projection = ANY(%s)'
                            " ORDER BY topic, partition", (list(projections),)).fetchall()
    return tuple(f"{t}:{p}:{o}" for t, p, o in rows)
