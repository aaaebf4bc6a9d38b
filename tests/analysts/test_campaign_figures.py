"""Replay, export and report over a small campaign driven through the five real services.

The campaign is the end-to-end one (``tests/e2e``: its steps are called as they are, on this folder's own
PostgreSQL + Kafka pair), plus doses recorded from documents: 5 of the 19 people vaccinated in province 79
show a second dose given abroad, and 6 people of province 01 a first dose (2 of them a second one too).

One AEFI is reported after one of the 19 doses (1 / 19 × 100,000 = 5,263.16 per 100,000 doses).

The end-to-end campaign registers 1,000 people ahead of the day - 510 in province 79, 490 in 01 (980 of them
by one organisation upload) - and one walk-in at a site of 79 on the day (registered, approved under the
site's delegation, postponed at screening: no dose). Hand-computed (population file ``population.test.json``: 79 -> 1,000, 01 -> 500):

    province  registered  dose 1  dose 2  coverage d1  coverage d2  drop-out d1 -> d2
    79               511      19       5       1.9 %        0.5 %   14 / 19 = 73.6842 %
    01               490       6       2       1.2 %        0.4 %    4 /  6 = 66.6667 %
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from eventkit.clock import campaign_date
from eventkit.settings import Settings
from services.immunization.bootstrap import WIRING as IMMUNIZATION
from tests.e2e import test_campaign as steps
from tests.e2e.campaign import PROVINCE, PROVINCE_2, TIMEOUT, Campaign, scalar, wait_rows
from tests.e2e.stack import start_stack, stop_stack
from tests.integration.analysts_support import cli_env, snapshot, wait_caught_up, wait_relayed
from tests.integration.kafka_helpers import read_topic
from tests.integration.service_procs import private_workdir
from vaxtrail_cli.main import main

POPULATION = str(Path(__file__).with_name("population.test.json"))
TOPICS = [f"vaxtrail.{s}.v1" for s in ("registration", "inventory", "allocation", "immunization", "certificate")]


@pytest.fixture(scope="module")
def campaign(infra, tmp_path_factory):
    stack = start_stack(infra, private_workdir("analysts"))
    try:
        yield Campaign(stack)
    finally:
        stop_stack(stack, infra)


def _historical(c: Campaign, person: str, dose_number: int, weeks_ago: int) -> None:
    # the campaign day (CAMPAIGN_TIME_ZONE), as the site's dose 1 is dated: after 17:00 UTC that is tomorrow in UTC terms
    given = campaign_date(c.now - timedelta(weeks=weeks_ago)).isoformat()
    steps.created(c.stack.post("immunization", f"/v1/persons/{person}/historical-doses", {
        "product": "210", "administered_date": given, "country": "SG", "source": "FOREIGN_CERTIFICATE",
        "series": "PRIMARY", "dose_number": dose_number}, c.national()), f"historical dose {dose_number}")


def test_1_the_campaign_runs_through_the_real_services(campaign, tmp_path, capsys):
    c = campaign
    steps.test_1_inventory_seeds_the_reference_data_and_receives_a_lot_at_the_national_store(c)
    steps.test_2_people_register_and_the_province_approves_and_assigns_them_to_the_district_centre(c)
    steps.test_3a_a_national_plan_is_released_shipped_and_delivered_then_the_province_releases_to_its_district(c)
    steps.test_3b_inventory_checks_a_dispatch_against_a_province_plan_line_like_a_national_one(c)
    steps.test_3c_the_district_receives_its_stock_plans_a_session_and_dispenses_to_the_site(c)
    steps.test_4_everyone_gets_an_appointment_in_the_planned_session(c)
    steps.test_5_the_site_vaccinates_and_inventory_books_the_opened_vials_out_of_the_site_stock(c)
    steps.test_6_every_vaccinated_person_gets_a_certificate_that_verifies_offline(c, tmp_path, capsys)

    c.before_documents = datetime.now(UTC)  # every act above has been answered, so it is recorded by now
    for person in c.vaccinated[:5]:
        _historical(c, person, 2, weeks_ago=0)
    immunization, registration = c.stack["immunization"], c.stack["registration"]
    others = scalar(registration, "SELECT array_agg(person_id ORDER BY person_id) FROM person_queue"
                                  " WHERE province_code = %s", PROVINCE_2)[:6]
    wait_rows(immunization, "SELECT count(*) FROM ref_person WHERE person_id = ANY(%s) AND approved", others,
              expected=6, what="province 01's people known to immunization")
    for n, person in enumerate(others):
        _historical(c, person, 1, weeks_ago=12)
        if n < 2:
            _historical(c, person, 2, weeks_ago=2)
    # one adverse event after one of the 19 doses (the site reports it)
    person = c.vaccinated[0]
    dose = scalar(immunization, "SELECT dose_id FROM dose_view WHERE person_id = %s AND NOT historical", person)
    steps.created(c.stack.post("immunization", "/v1/aefi", {
        "person_id": person, "dose_ids": [dose], "onset_at": c.ago(hours=1), "symptoms": ["fever"],
        "serious": False, "outcome": "RECOVERED", "source": "SITE_OBSERVATION"}, c.vaccinator()), "an AEFI")
    c.done.add("analysts")


def _settings(service: str) -> Settings:
    return Settings(service=service, database_url="postgresql://unused/x", kafka_bootstrap="unused:0")


def test_2_replay_as_of_now_equals_immunizations_live_read_models_row_for_row(campaign, infra, monkeypatch,
                                                                              tmp_path):
    steps.after(campaign, "analysts")
    immunization = campaign.stack["immunization"]
    cli_env(monkeypatch, tmp_path, bootstrap=infra.kafka_bootstrap, immunization=immunization.database_url)
    for name, schema in (("immunization_views", "asof_views"), ("registration_reference", "asof_people")):
        projection = IMMUNIZATION.projection(_settings("immunization"), name)
        wait_caught_up(immunization.database_url, infra.kafka_bootstrap, name, projection.topics, timeout=TIMEOUT)
        live = snapshot(immunization.database_url, "public", projection.tables)
        assert all(live.values()), f"{name}: an empty live table would compare nothing"
        assert main(["replay", "immunization", name, "--as-of", "now", "--into", schema]) == 0
        assert snapshot(immunization.database_url, schema, projection.tables) == live
        assert snapshot(immunization.database_url, "public", projection.tables) == live


@pytest.fixture(scope="module")
def exported(campaign, infra, tmp_path_factory):
    steps.after(campaign, "analysts")
    for service in campaign.stack.services.values():
        wait_relayed(service.database_url, timeout=TIMEOUT)
    folder = tmp_path_factory.mktemp("export")
    key = folder.parent / "export.key"
    mp = pytest.MonkeyPatch()
    try:
        cli_env(mp, folder.parent, bootstrap=infra.kafka_bootstrap,
                inventory=campaign.stack["inventory"].database_url)
        assert main(["export", "--out", str(folder / "out"), "--topics", ",".join(TOPICS), "--key-file", str(key),
                     "--new-key"]) == 0
        yield folder / "out", mp
    finally:
        mp.undo()


def test_3_an_export_read_back_with_duckdb_has_exactly_the_events_of_the_topics(exported, infra):
    out, _ = exported
    con = duckdb.connect(str(out / "vaxtrail.duckdb"), read_only=True)
    for topic in TOPICS:
        on_topic = read_topic(infra.kafka_bootstrap, topic)
        assert sorted(con.execute("SELECT kafka_partition, kafka_offset FROM records WHERE kafka_topic = ?",
                                  [topic]).fetchall()) == sorted((r.partition, r.offset) for r in on_topic)
        ids = {dict(r.headers)["ce_id"].decode() for r in on_topic}
        assert {i for (i,) in con.execute("SELECT event_id FROM events WHERE kafka_topic = ?", [topic]).fetchall()
                } == ids
    assert con.execute("SELECT count(*) FROM immunization_dose_administered").fetchone()[0] == 19


def test_4_the_reports_coverage_and_dropout_equal_the_hand_computed_figures(exported, campaign, tmp_path):
    out, _ = exported
    report_dir = tmp_path / "report"
    assert main(["report", "--export", str(out), "--out", str(report_dir), "--population", POPULATION]) == 0
    report = json.loads((report_dir / "report.json").read_text())
    by_province = {r["province"]: r for r in report["coverage"]["by_province"]}
    assert {p: (r["registered"], r["dose1"], r["dose2"], r["dose1_coverage_pct"], r["dose2_coverage_pct"])
            for p, r in by_province.items()} == {PROVINCE: (511, 19, 5, 1.9, 0.5), PROVINCE_2: (490, 6, 2, 1.2, 0.4)}
    assert {r["province"]: r["dropout_pct"] for r in report["dropout"]} == {PROVINCE: round(1400 / 19, 4),
                                                                             PROVINCE_2: round(400 / 6, 4)}
    bands = {}
    for row in report["coverage"]["by_age_band"]:
        bands[row["province"]] = bands.get(row["province"], 0) + row["dose1"]
    assert bands == {PROVINCE: 19, PROVINCE_2: 6}
    assert sum(r["doses"] for r in report["doses_per_day"]) == 19
    assert [(r["doses_given"], r["aefi_reports"], r["aefi_per_100k_doses"]) for r in report["aefi"]] == [
        (19, 1, round(100_000 / 19, 2))]
    assert report["certificate_delay"]["certified"] == 19
    [site_wastage] = [r for r in report["wastage"] if r["province"] == PROVINCE]
    assert (site_wastage["open_vial_doses"], site_wastage["doses_given"]) == (1, 19)
    supply = {r["province"]: r["stock_doses"] for r in report["supply"]}
    assert supply[PROVINCE] == 300 + 270 + 10  # CDC-79, DHC-760, the site (docs/e2e.md's table)
    page = (report_dir / "report.html").read_text()
    assert page.count("data:image/png;base64,") == 5 and "<img" in page
    assert datetime.fromisoformat(report["as_of"]) <= datetime.now(UTC)


def test_5_a_report_as_of_a_past_moment_counts_only_what_was_recorded_by_then(exported, campaign, tmp_path):
    """As of the moment before the documents' doses: no second dose, nobody vaccinated in 01 - and the stock
    comes from inventory's read models replayed as of that moment."""
    out, _ = exported
    report_dir = tmp_path / "then"
    assert main(["report", "--export", str(out), "--out", str(report_dir), "--population", POPULATION,
                 "--as-of", campaign.before_documents.isoformat()]) == 0
    report = json.loads((report_dir / "report.json").read_text())
    assert {r["province"]: (r["dose1"], r["dose2"]) for r in report["coverage"]["by_province"]} == {
        PROVINCE: (19, 0), PROVINCE_2: (0, 0)}
    assert [(r["province"], r["dropout_pct"]) for r in report["dropout"]] == [(PROVINCE, 100.0)]
    assert {r["province"]: r["stock_doses"] for r in report["supply"]}[PROVINCE] == 580
    assert report["aefi"][0]["aefi_reports"] == 0
