"""Names the analysts' tools accept or make: replay schemas, DuckDB views, the population file, leftovers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from vaxtrail_analytics.export.duckdb_views import view_name
from vaxtrail_analytics.export.writer import remove_leftovers
from vaxtrail_analytics.replay import ReplayRefused, check_schema_name
from vaxtrail_analytics.report import population

ROOT = Path(__file__).resolve().parents[2]
NATIONAL_TOLERANCE = 0  # persons; the census publishes exact counts for provinces and the nation


@pytest.mark.parametrize("name", ["public", "pg_catalog", "information_schema", "Upper", "1st", "a-b", "", "x" * 49])
def test_replay_refuses_a_schema_that_could_be_live_or_is_not_a_plain_name(name):
    with pytest.raises(ReplayRefused):
        check_schema_name(name)


def test_replay_refuses_the_databases_current_schema_whatever_its_name():
    with pytest.raises(ReplayRefused, match="live"):
        check_schema_name("immunization_live", live_schema="immunization_live")
    check_schema_name("asof_0701")


def test_view_names_are_service_and_event_type_in_snake_case():
    assert view_name("vaxtrail.immunization.v1", "DoseAdministered") == "immunization_dose_administered"
    assert view_name("vaxtrail.registration.v1", "PersonalDataAccessed") == "registration_personal_data_accessed"


def test_the_shipped_population_names_its_source_and_stays_below_the_national_total():
    shipped = population.load()
    assert "General Statistics Office" in shipped.source and shipped.version == "vn-census-2019.v2"
    assert shipped.national == 96_208_984
    assert shipped.provinces["79"] == 8_993_082 and sum(shipped.provinces.values()) < shipped.national
    raw = json.loads(population.SHIPPED.read_text())
    assert all(p.get("cite") for p in raw["provinces"])


def test_the_shipped_population_uses_the_projects_province_codes_and_adds_up():
    """Codes and names are registration's (63 provinces before the 2025 merger); every province is either listed
    with a positive total or named as missing; listed totals never exceed the national or a region's total; once
    all 63 are there they sum to the national total (GSO's census totals are exact counts: tolerance 0)."""
    units = json.loads((ROOT / "services/registration/reference/admin_units.v1.json").read_text())["provinces"]
    project = {p["code"]: p["name"] for p in units}
    assert len(project) == 63
    raw = json.loads(population.SHIPPED.read_text())
    codes = [p["code"] for p in raw["provinces"]]
    assert len(codes) == len(set(codes)) and set(codes) <= set(project)
    assert all(p["name"] == project[p["code"]] and p["total"] > 0 for p in raw["provinces"])
    assert sorted(set(project) - set(codes)) == sorted(raw["provinces_missing"])
    assert all(code in raw["completeness"] for code in raw["provinces_missing"])
    total = sum(p["total"] for p in raw["provinces"])
    national = raw["national"]["total"]
    assert raw["national"]["male"] + raw["national"]["female"] == national
    assert f"{total:,}" in raw["completeness"]
    if raw["provinces_missing"]:
        assert total < national
    else:
        assert abs(total - national) <= NATIONAL_TOLERANCE
    regions = {k: v for k, v in raw["regions"].items() if k != "cite"}
    assert sum(regions.values()) < national
    for code, bands in population.load().bands.items():
        assert code in project
        if len(bands) == len(population.AGE_BANDS):
            assert sum(bands.values()) == population.load().provinces[code]


def test_a_population_file_with_an_unknown_age_band_is_refused(tmp_path):
    path = tmp_path / "p.json"
    path.write_text(json.dumps({"format": "vaxtrail.population", "version": "t", "source": "t",
                                "provinces": [{"code": "79", "total": 10}], "age_bands": {"79": {"20-30": 5}}}))
    with pytest.raises(ValueError, match="age bands"):
        population.load(path)


def test_resuming_deletes_files_of_chunks_the_state_does_not_count(tmp_path):
    folder = tmp_path / "topic=t" / "type=A" / "day=2021-07-01"
    folder.mkdir(parents=True)
    kept, orphan, half = (folder / "part-00000002-0000.parquet", folder / "part-00000003-0000.parquet",
                          folder / "part-00000003-0001.parquet.tmp")
    for path in (kept, orphan, half):
        path.write_bytes(b"x")
    assert sorted(remove_leftovers(tmp_path, "t", committed=2)) == sorted([orphan, half])
    assert kept.exists() and not orphan.exists() and not half.exists()
