"""Benchmarks name every topic, consumer group and database after their run, never after the live stack."""

from __future__ import annotations

import pytest

from eventkit.settings import SERVICES, Settings, database_name
from eventkit.topics import all_topics
from vaxtrail_cli.bench import (
    LIVE_DATABASES,
    BenchNames,
    assert_isolated,
    bench_names,
    bench_settings,
    certificate,
    is_live_name,
    rebuild,
    registration_bulk,
    throughput,
)

LIVE_TOPICS = [spec.name for spec in all_topics()]
ENTRY_POINTS = {
    "vaxtrail bench: throughput": throughput.resources,
    "vaxtrail bench: rebuild": rebuild.resources,
    "vaxtrail bench: latency": certificate.latency_resources,
    "vaxtrail bench: registration_bulk": registration_bulk.resources,
}


def test_a_run_names_its_topics_groups_and_databases_after_itself():
    names = BenchNames("a1b2c3d4")
    assert names.topic("immunization") == "bench.a1b2c3d4.immunization"
    assert names.group("certificate.canonical_records") == "bench.a1b2c3d4.certificate.canonical_records"
    assert names.group_prefix == "bench.a1b2c3d4"
    assert names.database("certificate") == "bench_a1b2c3d4_certificate"


def test_every_run_gets_a_fresh_id():
    assert bench_names().run_id != bench_names().run_id


@pytest.mark.parametrize("run_id", ["", "ab", "Vaxtrail", "a.b", "x" * 17, "../etc"])
def test_a_run_id_that_could_escape_its_prefix_is_refused(run_id):
    with pytest.raises(ValueError):
        BenchNames(run_id)


@pytest.mark.parametrize("name", ["", ".hidden", "Upper", "with space", "a/b", "x" * 62])
def test_a_resource_name_that_is_not_a_plain_word_is_refused(name):
    with pytest.raises(ValueError):
        bench_names().topic(name)


@pytest.mark.parametrize("name", [*LIVE_TOPICS, *LIVE_DATABASES, "vaxtrail.registration.person_view", "postgres"])
def test_the_stacks_names_are_recognised_as_live(name):
    assert is_live_name(name)


@pytest.mark.parametrize("entry_point", ENTRY_POINTS)
def test_no_benchmark_entry_point_uses_a_name_of_the_stack(entry_point):
    names = bench_names()
    plan = ENTRY_POINTS[entry_point](names)
    assert_isolated(plan, names)
    used = plan.names()
    assert used, f"{entry_point} declares nothing it creates"
    assert not set(used) & {*LIVE_TOPICS, *LIVE_DATABASES}
    assert not any(name.startswith("vaxtrail") for name in used)
    assert all(name.startswith((f"bench.{names.run_id}.", f"bench_{names.run_id}_")) for name in used)
    assert plan.group_prefix in (None, f"bench.{names.run_id}")


def test_assert_isolated_refuses_a_live_or_foreign_name():
    names = bench_names()
    for foreign in ("vaxtrail.immunization.v1", database_name("certificate"), "bench.otherrun.raw"):
        with pytest.raises(AssertionError):
            assert_isolated([names.topic("raw"), foreign], names)


def test_bench_settings_move_a_service_onto_the_runs_topics_and_groups():
    live = Settings(service="certificate", database_url="postgresql:///bench_x_certificate",
                    kafka_bootstrap="127.0.0.1:9092", kafka_group_prefix="vaxtrail", log_level="WARNING")
    names = BenchNames("c0ffee00")
    settings = bench_settings(live, names, topic="certificate", dlq_topic="certificate-dlq")
    assert (settings.topic, settings.dlq_topic) == ("bench.c0ffee00.certificate", "bench.c0ffee00.certificate-dlq")
    assert settings.kafka_group_prefix == "bench.c0ffee00"
    assert (settings.service, settings.database_url, settings.log_level) == (
        "certificate", "postgresql:///bench_x_certificate", "WARNING")
    assert live.topic == "vaxtrail.certificate.v1" and set(SERVICES) >= {settings.service}


def test_a_benchmark_run_renames_every_topic_a_projection_consumes():
    from eventkit.service import retarget
    from eventkit.settings import Settings
    from services.certificate.bootstrap import projections
    from services.certificate.codec import build_codec
    from vaxtrail_cli.bench import bench_names, bench_settings

    names = bench_names("rt42")
    live = Settings(service="certificate", database_url="postgresql:///x", kafka_bootstrap="x:1")
    settings = bench_settings(live, names, topic="certificate", dlq_topic="certificate-dlq")
    for projection in projections(settings, build_codec()):
        renamed = retarget(projection, settings)
        assert renamed.topics and all(t.startswith("bench.rt42.") for t in renamed.topics), renamed.topics
        assert retarget(projection, live).topics == projection.topics
