"""``vaxtrail replay``: a read model as of a recorded time, built into its own schema from the real topics.

The registration service runs for real (web + worker); its live ``people`` read model is the reference. As of
a moment taken when the live model had caught up, the replay equals the live rows of that moment, row for
row; as of now it equals the live model now; the live tables, the event store and the topics are unchanged
by a replay; a name that could be live data is refused.
"""

from __future__ import annotations

from datetime import UTC, datetime

import psycopg
import pytest

from services.registration.bootstrap import WIRING
from vaxtrail_cli.main import main

from .analysts_support import cli_env, end_offsets, snapshot, wait_caught_up
from .registration_support import bearer, events_count, person_body, start_registration, stop_registration
from .service_procs import private_workdir

PROJECTION = "people"
TOPICS = ("vaxtrail.registration.v1",)


@pytest.fixture(scope="module")
def registration(infra):
    service = start_registration(infra, private_workdir("analysts-replay"))
    try:
        yield service
    finally:
        stop_registration(service, infra)


def _register(service, count: int, name: str) -> None:
    for i in range(count):
        response = service.http.post(service.url("/v1/persons"), json=person_body(full_name=f"{name} {'ABCDEFGH'[i]}"),
                                     headers=bearer(service, "citizen", "person:none", sub=f"citizen-{name}-{i}"))
        assert response.status_code == 201, response.text


def _tables() -> tuple[str, ...]:
    from eventkit.settings import Settings

    return WIRING.projection(Settings(service="registration", database_url="postgresql://x/y",
                                      kafka_bootstrap="x:0"), PROJECTION).tables


def test_replay_as_of_a_past_moment_and_as_of_now_equal_the_live_read_model_then_and_now(
        registration, infra, monkeypatch, tmp_path, capsys):
    url, tables = registration.database_url, _tables()
    _register(registration, 3, "Trần Văn Trước")
    wait_caught_up(url, infra.kafka_bootstrap, PROJECTION, TOPICS)
    moment = datetime.now(UTC)
    then = snapshot(url, "public", tables)
    assert any(then.values()), "the live read model is empty: nothing would be compared"

    _register(registration, 2, "Lê Thị Sau")
    wait_caught_up(url, infra.kafka_bootstrap, PROJECTION, TOPICS)
    now = snapshot(url, "public", tables)
    assert now != then
    events_before, offsets_before = events_count(registration), end_offsets(infra.kafka_bootstrap, TOPICS)

    cli_env(monkeypatch, tmp_path, bootstrap=infra.kafka_bootstrap, registration=url)
    assert main(["replay", "registration", PROJECTION, "--as-of", moment.isoformat(), "--into", "asof_then"]) == 0
    assert main(["replay", "registration", PROJECTION, "--as-of", "now", "--into", "asof_now"]) == 0
    out = capsys.readouterr()
    assert "is in schema asof_then" in out.out and "records" in out.err  # the progress bar

    assert snapshot(url, "asof_then", tables) == then
    assert snapshot(url, "asof_now", tables) == now
    # the live side is untouched: read model, event store, topics
    assert snapshot(url, "public", tables) == now
    assert events_count(registration) == events_before
    assert end_offsets(infra.kafka_bootstrap, TOPICS) == offsets_before


def test_replay_refuses_the_live_schema_an_existing_foreign_schema_and_a_time_without_a_zone(
        registration, infra, monkeypatch, tmp_path, capsys):
    url = registration.database_url
    cli_env(monkeypatch, tmp_path, bootstrap=infra.kafka_bootstrap, registration=url)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA IF NOT EXISTS analyst_scratch")
    for argv, message in (
        (["--into", "public"], "is (or could be) the live one"),
        (["--into", "analyst_scratch"], "is not a replay's"),
        (["--into", "Bad-Name"], "expected 1-48 lowercase"),
    ):
        assert main(["replay", "registration", PROJECTION, "--as-of", "now", *argv]) == 1
        assert message in capsys.readouterr().err
    assert main(["replay", "registration", PROJECTION, "--as-of", "2021-07-01T12:00:00", "--into", "x1"]) == 1
    assert "has no time zone" in capsys.readouterr().err
    assert main(["replay", "registration", "consumption_worker", "--as-of", "now", "--into", "x1"]) == 1
    assert "are not read models" in capsys.readouterr().err
    # a second replay into the same schema needs --replace
    assert main(["replay", "registration", PROJECTION, "--as-of", "now", "--into", "asof_twice"]) == 0
    assert main(["replay", "registration", PROJECTION, "--as-of", "now", "--into", "asof_twice"]) == 1
    assert "pass --replace" in capsys.readouterr().err
    assert main(["replay", "registration", PROJECTION, "--as-of", "now", "--into", "asof_twice", "--replace"]) == 0
