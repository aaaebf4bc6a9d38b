"""The events every throughput benchmark uses: inventory ``DoseReceived`` receipts on 500 stock items.

:func:`receipts` builds the domain events; :func:`envelopes` wraps them as the inventory store would (one
stream per stock item, versions 1, 2, 3 ..., hash chain, commit-ordered positions) without a database, so
that a benchmark can put a million of them on a topic in a minute; :func:`produce` sends records to a topic
with the relay's producer settings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta

from eventkit.envelope import GENESIS_HASH, StoredEvent, compute_hash, uuid7
from eventkit.kafka import make_producer
from eventkit.kafka_record import KafkaRecord, to_record
from services.inventory import domain

STOCK_ITEMS = 500
DOSES_PER_RECEIPT = 100
_START = datetime(2021, 4, 1, tzinfo=UTC)


def receipt(i: int) -> domain.DoseReceived:
    return domain.DoseReceived(
        location_id=f"NAT-EPI-{i % STOCK_ITEMS:03d}", lot_id=f"ABV{i % STOCK_ITEMS:04d}",
        presentation_id="AZ-VAXZEVRIA-10", doses=DOSES_PER_RECEIPT, vials=10, source="covax",
        shipment_reference=f"COVAX-2021-{i:07d}", received_at=_START + timedelta(seconds=i),
        storage_unit_id="NAT-COLDROOM-2", vvm_stage=1, temperature_log_ok=True,
    )


def receipts(count: int) -> list[domain.DoseReceived]:
    return [receipt(i) for i in range(count)]


def envelopes(codec, count: int) -> Iterator[StoredEvent]:
    """``count`` receipts as stored events, in position order, as the inventory store would commit them."""
    event_type = codec.type_of(domain.DoseReceived)
    chains: dict[str, tuple[int, bytes]] = {}
    recorded = datetime.now(UTC)
    for i in range(count):
        e = receipt(i)
        stream = domain.stock_item_id(e.location_id, e.lot_id)
        version, prev = chains.get(stream, (0, GENESIS_HASH))
        unsigned = StoredEvent(
            position=i + 1, event_id=uuid7(), event_type=event_type, aggregate_type="stock_item",
            aggregate_id=stream, aggregate_version=version + 1, occurred_at=e.received_at, recorded_at=recorded,
            producer="inventory/bench", actor_id="bench", actor_role="national_admin", correlation_id="bench",
            causation_id="bench", idempotency_key=None, payload=codec.encode(e), prev_hash=prev, hash=b"")
        digest = compute_hash(prev, unsigned)
        chains[stream] = (version + 1, digest)
        yield StoredEvent(**{**unsigned.__dict__, "hash": digest})


def produce(bootstrap: str, topic: str, records: Sequence[KafkaRecord] | Iterator[KafkaRecord], *,
            progress: Callable[[int], None] = lambda _: None, every: int = 50_000) -> int:
    """Send ``records`` with the relay's producer settings; returns how many (all acknowledged)."""
    producer = make_producer(bootstrap, client_id="bench-producer")
    sent, futures = 0, []
    try:
        for record in records:
            futures.append(producer.send(topic, key=record.key, value=record.value, headers=record.headers))
            sent += 1
            if len(futures) == every:
                _settle(producer, futures)
                progress(sent)
        _settle(producer, futures)
    finally:
        producer.close()
    progress(sent)
    return sent


def _settle(producer, futures: list) -> None:
    producer.flush()
    for future in futures:
        future.get(timeout=60)  # raises what the broker refused
    futures.clear()


def records_of(events: Iterator[StoredEvent]) -> Iterator[KafkaRecord]:
    return (to_record(e) for e in events)
