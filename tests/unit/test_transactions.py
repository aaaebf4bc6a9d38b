"""The one transaction API (eventkit.aggregates + eventkit.handling) on the in-memory store (no servers)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime

import pytest

from eventkit.aggregates import AggregateSpec, EventSourcing, Reply, Transaction
from eventkit.envelope import CommandContext
from eventkit.errors import ConcurrencyConflict, DomainError, IdempotencyKeyReused
from eventkit.handling import CommandBus, Handler, UnknownCommand
from eventkit.store.base import WrongAggregateKind
from eventkit.testing import InMemoryEventStore

NOW = datetime(2021, 8, 10, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Received:
    doses: int
    occurred_at: datetime = NOW


@dataclass(frozen=True)
class Issued:
    doses: int
    occurred_at: datetime = NOW


class JsonCodec:
    """A codec for these tests only: the event's class name and its fields as JSON."""

    classes = {c.__name__: c for c in (Received, Issued)}

    def event_type(self, event) -> str:
        return f"test.{type(event).__name__}"

    def encode(self, event) -> bytes:
        return json.dumps(asdict(event), default=str).encode()

    def decode(self, event_type: str, payload: bytes):
        values = json.loads(payload)
        values["occurred_at"] = datetime.fromisoformat(values["occurred_at"])
        return self.classes[event_type.removeprefix("test.")](**values)


def balance(state: int, event) -> int:
    return state + event.doses if isinstance(event, Received) else state - event.doses


STOCK = AggregateSpec("stock_item", lambda: 0, balance, id_field="location_id")
SHIPMENT = AggregateSpec("shipment", lambda: 0, balance, id_field="shipment_id")


def context(key: str | None = None, request_hash: str = "") -> CommandContext:
    return CommandContext(actor_id="officer-7", actor_role="national_admin", idempotency_key=key,
                          request_hash=request_hash)


@pytest.fixture
def es() -> EventSourcing:
    return EventSourcing(InMemoryEventStore(), JsonCodec(), producer="inventory")


def receive(es: EventSourcing, item: str, doses: int):
    return es.execute(context(), lambda tx: tx.append(STOCK, item, [Received(doses)]) and None or None)


def test_a_command_answers_the_standard_fields_and_the_handlers_extra_ones(es):
    def issue(tx: Transaction) -> Reply:
        left = tx.append(STOCK, "NAT", [Issued(300)])
        tx.append(STOCK, "PROV-79", [Received(300)])
        return Reply("NAT", {"balance": left})

    receive(es, "NAT", 1000)
    result = es.execute(context(), issue)
    assert result.response == {"id": "NAT", "event_ids": [str(e.event_id) for e in result.events],
                               "versions": {"NAT": 2, "PROV-79": 1}, "balance": 700}


def test_a_retry_with_the_same_key_is_answered_before_anything_loads(es):
    receive(es, "NAT", 100)
    first = es.execute(context("k1", "h"), lambda tx: tx.append(STOCK, "NAT", [Issued(100)]) and None or None)

    def would_fail_now(tx: Transaction):  # the world changed: deciding again would be refused
        raise AssertionError("a replay must not load or decide")

    again = es.execute(context("k1", "h"), would_fail_now)
    assert again.replayed and again.response == first.response
    with pytest.raises(IdempotencyKeyReused):
        es.execute(context("k1", "another request"), would_fail_now)


def test_every_loaded_stream_guards_the_append_even_when_unchanged(es):
    receive(es, "NAT", 100)
    receive(es, "LOT-ABV5300", 1)

    def decide_on_a_lot_that_changes_meanwhile(tx: Transaction):
        tx.load(STOCK, "LOT-ABV5300")  # read only: still a guard
        receive(es, "LOT-ABV5300", 1)  # someone changes it before we append
        tx.append(STOCK, "NAT", [Issued(10)])

    with pytest.raises(ConcurrencyConflict) as info:
        es.execute(context(), decide_on_a_lot_that_changes_meanwhile)
    assert info.value.rule == "INV-37"
    assert [e.aggregate_version for e in es.store.load("NAT")] == [1]


def test_retries_re_decide_on_fresh_state_and_then_give_up(es):
    receive(es, "NAT", 100)
    seen: list[int] = []

    def contended(tx: Transaction):
        seen.append(tx.load(STOCK, "NAT"))
        if len(seen) == 1:
            receive(es, "NAT", 5)  # a concurrent writer wins the first round
        tx.append(STOCK, "NAT", [Issued(10)])

    es.execute(context(), contended, retries=1)
    assert seen == [100, 105]
    assert es.load(STOCK, "NAT") == (95, 3)

    def always_contended(tx: Transaction):
        tx.load(STOCK, "NAT")
        receive(es, "NAT", 1)
        tx.append(STOCK, "NAT", [Issued(1)])

    with pytest.raises(ConcurrencyConflict):
        es.execute(context(), always_contended, retries=2)


def test_an_id_naming_another_kind_of_stream_is_a_422_naming_the_field(es):
    receive(es, "SHP-1", 10)
    with pytest.raises(WrongAggregateKind) as info:
        es.execute(context(), lambda tx: tx.append(SHIPMENT, "SHP-1", [Received(1)]) and None or None)
    assert (info.value.status, info.value.rule, info.value.field) == (422, "aggregate-kind", "shipment_id")
    assert isinstance(info.value, DomainError)
    with pytest.raises(WrongAggregateKind):
        es.execute(context(), lambda tx: tx.append(SHIPMENT, "SHP-1", [Received(1)], new=True) and None or None)
    assert len(es.store.load("SHP-1")) == 1


def test_a_new_stream_that_already_exists_is_a_conflict(es):
    receive(es, "access/1", 1)
    with pytest.raises(ConcurrencyConflict):
        es.execute(context(), lambda tx: tx.append(STOCK, "access/1", [Received(1)], new=True) and None or None)


def test_evolve_can_see_each_events_id(es):
    ids: list[str] = []
    spec = AggregateSpec("stock_item", lambda: 0, lambda s, e, event_id: ids.append(event_id) or balance(s, e),
                         with_event_id=True)
    stored = receive(es, "NAT", 5).events
    es.load(spec, "NAT")
    assert ids == [str(stored[0].event_id)]


def test_load_many_reads_several_streams_and_guards_each(es):
    receive(es, "A", 1)
    receive(es, "B", 2)

    def read_both(tx: Transaction):
        assert tx.load_many(STOCK, ["A", "B", "C"]) == {"A": 1, "B": 2, "C": 0}
        receive(es, "C", 3)  # C did not exist when read: its creation invalidates the decision
        tx.append(STOCK, "A", [Issued(1)])

    with pytest.raises(ConcurrencyConflict):
        es.execute(context(), read_both)


@dataclass(frozen=True)
class Receive:
    item: str
    doses: int


@dataclass(frozen=True)
class Deps:
    limit: int


def receive_handler(tx: Transaction, command: Receive, deps: Deps) -> Reply:
    if command.doses > deps.limit:
        raise DomainError("too many", field="doses", rule="INV-2")
    tx.append(STOCK, command.item, [Received(command.doses)])
    return Reply(command.item)


def test_the_command_table_dispatches_by_type_and_refuses_unknown_commands(es):
    bus = CommandBus(es, {Receive: Handler(receive_handler, retries=2)}, Deps(limit=100))
    result = bus.handle(Receive("NAT", 10), context())
    assert result.response["id"] == "NAT" and result.response["versions"] == {"NAT": 1}
    with pytest.raises(DomainError):
        bus.handle(Receive("NAT", 1000), context())
    with pytest.raises(UnknownCommand):
        bus.handle(replace, context())
    assert bus.commands() == {Receive}


def test_a_decision_to_do_nothing_writes_nothing_and_takes_no_lock(es):
    receive(es, "NAT", 1)

    class Refusing(InMemoryEventStore):
        def append(self, *args, **kwargs):
            raise AssertionError("an empty decision without a key must not reach the store")

    quiet = EventSourcing(Refusing(), JsonCodec(), producer="inventory")
    result = quiet.execute(context(), lambda tx: tx.load(STOCK, "NAT") and None or None)
    assert result.events == [] and result.response["event_ids"] == []


# -- execute_many: an upload's commands decided in order, committed together -----------------------------

def issue(item: str, doses: int, *, meanwhile=None):
    """Issue from a stock item, refused below zero; ``meanwhile`` runs after the load (another writer)."""
    def work(tx: Transaction) -> Reply:
        on_hand = tx.load(STOCK, item)
        if meanwhile is not None:
            meanwhile()
        if doses > on_hand:
            raise DomainError(f"only {on_hand} on hand", field="doses", rule="INV-15")
        return Reply(item, {"left": tx.append(STOCK, item, [Issued(doses)])})
    return work


def test_commands_of_one_upload_see_the_earlier_ones_and_are_committed_in_one_append(es):
    receive(es, "SITE-1", 100)
    answers = es.execute_many([(context(), issue("SITE-1", 30), 0), (context(), issue("SITE-1", 30), 0),
                               (context(), issue("SITE-1", 80), 0), (context(), issue("SITE-1", 40), 0)])
    assert [a.response["left"] if not isinstance(a, DomainError) else a.rule for a in answers] == [70, 40, "INV-15", 0]
    assert es.load(STOCK, "SITE-1") == (0, 4)
    positions = [e.position for a in answers if not isinstance(a, DomainError) for e in a.events]
    assert positions == sorted(positions)


def test_a_command_that_met_another_writer_is_decided_again_alone_and_nobody_else_fails(es):
    receive(es, "SITE-1", 100)
    receive(es, "SITE-2", 100)
    interfered = []

    def another_tablet() -> None:
        if not interfered:
            interfered.append(receive(es, "SITE-1", 5))
    answers = es.execute_many([(context(), issue("SITE-1", 10, meanwhile=another_tablet), 3),
                               (context(), issue("SITE-2", 10), 0),
                               (context(), issue("SITE-1", 10), 0)])
    assert interfered and [a.response["left"] for a in answers] == [95, 90, 85]
    assert es.load(STOCK, "SITE-1") == (85, 4) and es.load(STOCK, "SITE-2") == (90, 2)


def test_an_upload_sent_again_is_answered_from_the_store_item_by_item(es):
    receive(es, "SITE-1", 100)
    upload = [(context(f"dev-7|{n}", f"h{n}"), issue("SITE-1", 10), 0) for n in (1, 2)]
    first = es.execute_many(upload)
    again = es.execute_many(upload + [(context("dev-7|3", "h3"), issue("SITE-1", 10), 0)])
    assert [a.replayed for a in again] == [True, True, False]
    assert [a.response for a in again[:2]] == [a.response for a in first]
    assert es.load(STOCK, "SITE-1") == (70, 4)
