"""A benchmark pointed at the stack's servers leaves the stack exactly as it was.

The certificate latency, throughput and rebuild benchmarks of ``vaxtrail bench`` run for real against the
test session's broker and PostgreSQL - named by ``DATABASE_URL`` / ``KAFKA_BOOTSTRAP`` as they would be on a machine running the stack,
with the stack's own ``KAFKA_GROUP_PREFIX`` and ``CERTIFICATE_DATABASE_URL`` in the environment too.
Afterwards every ``vaxtrail.*`` topic has the end offsets it had before, no consumer group or database was
added or left behind, and the run's own ``bench.<run id>.*`` topics are gone.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg
import pytest
from kafka import KafkaConsumer, TopicPartition

from eventkit.kafka import make_admin
from eventkit.settings import service_database_url
from vaxtrail_cli.bench import certificate as certificate_bench
from vaxtrail_cli.bench import list_group_ids, rebuild, throughput


@dataclass(frozen=True)
class StackState:
    end_offsets: dict[TopicPartition, int]
    topics: frozenset[str]
    groups: frozenset[str]
    databases: frozenset[str]


def stack_state(infra) -> StackState:
    admin = make_admin(infra.kafka_bootstrap, client_id="bench-isolation-test")
    consumer = KafkaConsumer(bootstrap_servers=infra.kafka_bootstrap.split(","), group_id=None,
                             client_id="bench-isolation-test")
    try:
        topics = frozenset(t for t in admin.list_topics() if not t.startswith("__"))  # not Kafka's internal ones
        live = sorted(t for t in topics if t.startswith("vaxtrail."))
        assert live, "the test broker has no vaxtrail.* topics to watch"
        partitions = [TopicPartition(t, p) for t in live for p in sorted(consumer.partitions_for_topic(t) or ())]
        ends = consumer.end_offsets(partitions)
        groups = frozenset(list_group_ids(admin))
    finally:
        consumer.close()
        admin.close()
    with psycopg.connect(infra.server_url, autocommit=True) as conn:
        databases = frozenset(row[0] for row in conn.execute("SELECT datname FROM pg_database"))
    return StackState(ends, topics, groups, databases)


@pytest.fixture
def stack_environment(infra, monkeypatch):
    """The environment of a shell where the stack runs: its servers, its group prefix, its databases."""
    monkeypatch.setenv("DATABASE_URL", infra.server_url)
    monkeypatch.setenv("KAFKA_BOOTSTRAP", infra.kafka_bootstrap)
    monkeypatch.setenv("KAFKA_GROUP_PREFIX", "vaxtrail")
    monkeypatch.setenv("CERTIFICATE_DATABASE_URL", service_database_url(infra.server_url, "certificate"))
    monkeypatch.setenv("WORKER_INSTANCE_ID", "stack-worker-1")
    before = stack_state(infra)
    yield before


def assert_stack_untouched(infra, before: StackState, run_id: str | None) -> None:
    after = stack_state(infra)
    moved = {f"{tp.topic}[{tp.partition}]": (before.end_offsets[tp], after.end_offsets.get(tp))
             for tp in before.end_offsets if after.end_offsets.get(tp) != before.end_offsets[tp]}
    assert not moved, f"the benchmark wrote to the stack's topics (end offsets before, after): {moved}"
    assert after.groups == before.groups, f"consumer groups added: {sorted(after.groups - before.groups)}"
    assert after.databases == before.databases, f"databases added: {sorted(after.databases - before.databases)}"
    assert after.topics == before.topics, f"topics added or removed: {sorted(after.topics ^ before.topics)}"
    assert run_id, "the benchmark reports no run id"


def test_certificate_latency_benchmark_leaves_the_stack_untouched(infra, stack_environment):
    result = certificate_bench.latency(3, 20.0)
    assert result["certificates_seen"] == 3, result  # the benchmark measured something
    assert_stack_untouched(infra, stack_environment, result.get("run_id"))


def test_throughput_benchmark_leaves_the_stack_untouched(infra, stack_environment):
    result = throughput.run(infra.server_url, infra.kafka_bootstrap, 300, out=lambda _: None)
    assert result["events"] == 300 and set(result["figures"]) == {
        "append", "raw_produce", "raw_consume", "relay", "projection"}  # and the projection's sum was checked
    assert_stack_untouched(infra, stack_environment, result.get("run_id"))


def test_rebuild_benchmark_leaves_the_stack_untouched(infra, stack_environment):
    result = rebuild.run(infra.server_url, infra.kafka_bootstrap, 3000, out=lambda _: None,
                         progress=lambda *_: None)
    assert result["figures"]["rebuild"].events == 3000  # every receipt replayed (and the ledger checked)
    assert_stack_untouched(infra, stack_environment, result.get("run_id"))
