"""The local-stack infrastructure itself: broker round trip, idempotent topics, per-service databases."""

from __future__ import annotations

import uuid

import psycopg
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import ConfigResource, ConfigResourceType

from eventkit.settings import SERVICES, database_name
from eventkit.topics import FOREVER, TopicSpec, all_topics, dlq_topic, event_topic
from vaxtrail_cli.stack import create_service_databases
from vaxtrail_cli.topics_admin import admin_client, ensure_topics


def test_the_broker_accepts_a_produce_consume_round_trip(infra, topic):
    name = topic(partitions=1)
    producer = KafkaProducer(bootstrap_servers=infra.kafka_bootstrap, acks="all")
    try:
        sent = [(f"key-{i}".encode(), f"value-{i}".encode()) for i in range(5)]
        for key, value in sent:
            producer.send(name, key=key, value=value, headers=[("ce_type", b"test.v1")])
        producer.flush(timeout=30)
    finally:
        producer.close()

    consumer = KafkaConsumer(bootstrap_servers=infra.kafka_bootstrap, enable_auto_commit=False,
                             auto_offset_reset="earliest", consumer_timeout_ms=10_000)
    try:
        consumer.assign([TopicPartition(name, 0)])
        consumer.seek_to_beginning()
        received = []
        for record in consumer:
            received.append(record)
            if len(received) == len(sent):
                break
    finally:
        consumer.close()
    assert [(r.key, r.value) for r in received] == sent
    assert [r.offset for r in received] == list(range(5))
    assert all(dict(r.headers)["ce_type"] == b"test.v1" for r in received)


def test_ensure_topics_creates_only_what_is_missing(infra):
    specs = [TopicSpec(f"test.{uuid.uuid4().hex[:8]}", 2, {"retention.ms": "-1"}),
             TopicSpec(f"test.{uuid.uuid4().hex[:8]}", 1)]
    names = [spec.name for spec in specs]
    first = ensure_topics(infra.kafka_bootstrap, specs)
    second = ensure_topics(infra.kafka_bootstrap, specs)
    assert (first.created, first.existing) == (names, [])
    assert (second.created, second.existing) == ([], names)

    everything = ensure_topics(infra.kafka_bootstrap, all_topics())
    assert everything.created == []
    assert everything.existing == [spec.name for spec in all_topics()]

    admin = admin_client(infra.kafka_bootstrap)
    try:
        admin.delete_topics(names)
    finally:
        admin.close()


def test_event_topics_keep_everything_and_have_their_partitions(infra):
    admin = admin_client(infra.kafka_bootstrap)
    try:
        names = [event_topic(svc) for svc in SERVICES]
        configs = admin.describe_configs(
            [ConfigResource(ConfigResourceType.TOPIC, name) for name in names + [dlq_topic("audit")]],
            config_filter="all")["topic"]
        described = {t["name"]: len(t["partitions"]) for t in admin.describe_topics(names)}
    finally:
        admin.close()
    for name in names:
        for key, value in FOREVER.items():
            assert configs[name][key]["value"] == value, (name, key)
        assert described[name] == 6
    assert configs[dlq_topic("audit")]["retention.ms"]["value"] == str(30 * 24 * 3600 * 1000)


def test_service_databases_are_created_once(infra):
    first = create_service_databases(infra.server_url)
    try:
        second = create_service_databases(infra.server_url)
        assert sorted(first) == sorted(database_name(svc) for svc in SERVICES)
        assert not any(second.values())
        with psycopg.connect(infra.server_url) as conn:
            present = {row[0] for row in conn.execute("SELECT datname FROM pg_database")}
        assert set(first) <= present
    finally:
        from eventkit.db import drop_database

        for name, created_now in first.items():
            if created_now:
                drop_database(infra.server_url, name)
