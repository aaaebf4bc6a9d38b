"""The audit benchmark names every topic, consumer group and database after its run, never after the stack."""

from __future__ import annotations

from eventkit.settings import Settings
from services.audit import bootstrap
from services.audit.bench import resources
from vaxtrail_cli.bench import BenchNames, assert_isolated, bench_settings, is_live_name


def test_the_audit_bench_uses_only_its_own_names():
    names = BenchNames("a1b2c3d4")
    plan = resources(names)
    assert_isolated(plan, names)
    assert not any(is_live_name(n) for n in plan.names())
    assert plan.databases == ["bench_a1b2c3d4_audit"]


def test_the_workers_projections_consume_the_runs_topics_under_the_runs_groups():
    names = BenchNames("a1b2c3d4")
    settings = bench_settings(Settings(service="audit", database_url="postgresql://x/y", kafka_bootstrap="k:1"),
                              names, topic="audit", dlq_topic="audit-dlq")
    plan = resources(names)
    from eventkit.service import retarget

    consumed = {t for p in bootstrap.projections(settings, bootstrap.build_codec()) for t in retarget(p, settings).topics}
    assert consumed <= set(plan.topics)
    assert settings.kafka_group_prefix == plan.group_prefix
