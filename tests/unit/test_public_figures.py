"""The public figures: aggregation by province and by day, and small-count suppression (eventkit.figures)."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from eventkit.figures import SUPPRESSED, FiguresQuery, published, suppress, tabulate

OCT_1, OCT_2, OCT_3 = date(2021, 10, 1), date(2021, 10, 2), date(2021, 10, 3)


def test_counts_under_ten_are_published_as_less_than_ten_and_zero_stays_zero():
    assert suppress({"79": 0, "01": 9, "48": 1, "31": 10, "92": 250}) == {
        "79": 0, "01": SUPPRESSED, "48": SUPPRESSED, "31": 10, "92": 250}


def test_a_single_small_cell_takes_the_smallest_other_cell_with_it_so_the_total_does_not_give_it_away():
    assert suppress({"79": 5000, "01": 4, "48": 12}) == {"79": 5000, "01": SUPPRESSED, "48": SUPPRESSED}


def test_no_secondary_suppression_when_two_cells_are_small_already():
    assert suppress({"79": 5000, "01": 4, "48": 3}) == {"79": 5000, "01": SUPPRESSED, "48": SUPPRESSED}


def test_a_total_is_suppressed_only_when_it_is_small_itself():
    assert (published(0), published(9), published(10)) == (0, SUPPRESSED, 10)


def test_tabulate_sums_by_province_and_by_day_within_the_period_only():
    rows = [("79", OCT_1, "doses", 120), ("79", OCT_2, "doses", 80), ("01", OCT_2, "doses", 40),
            ("01", OCT_3, "doses", 500), ("79", OCT_2, "not-a-measure", 7)]
    out = tabulate(rows, ["doses"], OCT_1, OCT_2)
    assert out["by_province"] == [{"province_code": "01", "doses": 40}, {"province_code": "79", "doses": 200}]
    assert out["by_day"] == [{"date": "2021-10-01", "doses": 120}, {"date": "2021-10-02", "doses": 120}]
    assert out["total"] == {"doses": 240}
    assert out["suppression"] == {"threshold": 10, "shown_as": "<10"}


def test_every_day_of_the_period_is_listed_even_without_a_count():
    out = tabulate([], ["doses"], OCT_1, OCT_3)
    assert [d["date"] for d in out["by_day"]] == ["2021-10-01", "2021-10-02", "2021-10-03"]
    assert out["by_province"] == [] and out["total"] == {"doses": 0}


def test_by_day_of_one_province_is_that_province_only_and_suppressed_against_its_own_total():
    rows = [("79", OCT_1, "doses", 3), ("79", OCT_2, "doses", 30), ("01", OCT_1, "doses", 900)]
    out = tabulate(rows, ["doses"], OCT_1, OCT_2, province="79")
    assert out["by_day"] == [{"date": "2021-10-01", "doses": SUPPRESSED}, {"date": "2021-10-02", "doses": SUPPRESSED}]
    assert out["province"] == "79"


def test_national_level_counts_have_no_province_row_but_count_in_the_day_and_the_total():
    rows = [("", OCT_1, "received", 100_000), ("79", OCT_1, "received", 2_000)]
    out = tabulate(rows, ["received"], OCT_1, OCT_1)
    assert out["by_province"] == [{"province_code": "79", "received": 2_000}]
    assert out["by_day"] == [{"date": "2021-10-01", "received": 102_000}]
    assert out["total"] == {"received": 102_000}


@pytest.mark.parametrize("query, field, rule", [
    ({"from": "2021-10-02", "to": "2021-10-01"}, "to", "date_range"),
    ({"from": "2021-01-01", "to": "2022-01-02"}, "to", "date_range"),
    ({"province": "7"}, "province", "string_pattern_mismatch"),
    ({"from": "2021-10-01T00:00:00Z"}, "from", None),
    ({"person_id": "P-1"}, "person_id", "extra_forbidden"),
])
def test_the_query_is_validated_naming_the_field_and_rule(query, field, rule):
    with pytest.raises(ValidationError) as caught:
        FiguresQuery.model_validate(query)
    error = caught.value.errors()[0]
    assert error["loc"] == (field,)
    assert rule is None or error["type"] == rule


def test_the_period_defaults_to_thirty_days_up_to_today_and_from_alone_runs_to_today():
    assert FiguresQuery.model_validate({}).period(OCT_3) == (date(2021, 9, 4), OCT_3)
    assert FiguresQuery.model_validate({"from": "2021-10-01"}).period(OCT_3) == (OCT_1, OCT_3)
    assert FiguresQuery.model_validate({"from": "2021-10-05"}).period(OCT_3) == (date(2021, 10, 5), date(2021, 10, 5))
