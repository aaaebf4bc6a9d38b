"""The soak's verdict (:mod:`vaxtrail_cli.soak.growth`): growth between the first and last windows, the slope, and a
failure that names the series that grew past its bound."""

from __future__ import annotations

import pytest

from vaxtrail_cli.soak.growth import LAG, MEMORY, judge, slope_per_hour
from vaxtrail_cli.soak.report import markdown


def samples(pss, lag, *, every=5.0, count=240, start=100.0):
    """``count`` samples from ``start``; ``pss``/``lag`` map a name to a function of seconds into the window."""
    return [{"t": start + i * every, "pss_mb": {n: f(i * every) for n, f in pss.items()},
             "rss_mb": {n: f(i * every) * 1.5 for n, f in pss.items()},
             "lag": {n: f(i * every) for n, f in lag.items()}} for i in range(count)]


def test_the_slope_is_per_hour_and_zero_for_a_flat_series():
    assert slope_per_hour([(0, 10), (1800, 20), (3600, 30)]) == pytest.approx(20.0)
    assert slope_per_hour([(0, 5), (60, 5), (120, 5)]) == 0.0
    assert slope_per_hour([(3, 5)]) == 0.0


def test_flat_memory_and_lag_pass_and_the_samples_outside_the_window_are_ignored():
    data = samples({"inventory-worker": lambda t: 200.0}, {"inventory.relay": lambda t: 3})
    data.insert(0, {"t": 0.0, "pss_mb": {"inventory-worker": 5000.0}, "rss_mb": {}, "lag": {"inventory.relay": 99999}})
    result = judge(data, start=100.0, end=100.0 + 239 * 5, window=300.0)
    assert result["problems"] == []
    worker = result["pss_mb"]["inventory-worker"]
    assert (worker["first"], worker["last"], worker["growth"], worker["slope_per_hour"]) == (200.0, 200.0, 0.0, 0.0)
    assert result["lag"]["total"]["max"] == 3


def test_memory_growing_past_the_bound_fails_naming_the_process():
    # 100 MB in the first 5 minutes, +0.2 MB a second: ~325 MB in the last 5 minutes, above 100 x 1.25 + 64
    data = samples({"kafka": lambda t: 100.0 + 0.2 * t, "postgresql": lambda t: 300.0}, {})
    result = judge(data, start=100.0, end=100.0 + 239 * 5, window=300.0)
    [problem] = result["problems"]
    assert problem.startswith("pss_mb kafka grew from") and f"{MEMORY.limit(result['pss_mb']['kafka']['first']):.0f}" \
        in problem
    assert result["pss_mb"]["kafka"]["slope_per_hour"] == pytest.approx(720.0, rel=0.01)
    assert "soak" in markdown(_result(result)).lower() and "FAIL" in markdown(_result(result))


def test_a_lag_within_its_floor_passes_but_a_growing_backlog_fails():
    data = samples({}, {"certificate.records": lambda t: 50 + t / 10,
                        "audit.log": lambda t: 10 + t * 2})
    result = judge(data, start=100.0, end=100.0 + 239 * 5, window=300.0)
    assert [p.split(" grew")[0] for p in result["problems"]] == ["lag audit.log", "lag total"]
    assert result["lag"]["certificate.records"]["last"] <= LAG.limit(result["lag"]["certificate.records"]["first"])


def test_a_series_without_samples_in_a_window_is_a_problem():
    data = samples({"registration-web": lambda t: 80.0}, {}, count=10)
    result = judge(data, start=100.0, end=2000.0, window=300.0)
    assert result["problems"] == ["pss_mb registration-web: no sample in the first or the last 300 s",
                                  "lag total: no sample in the first or the last 300 s"]


def _result(growth):
    checks = {"ok": True, "compared": 3}
    return {"run": "LDX", "soak": {"minutes": 20.0, "rounds": 1, "doses": 10, "doses_per_s": 1.0, "day_share": 0.5},
            "rounds": [{"run": "LDX", "people": 12, "setup_s": 5.0, "doses": {"doses": 10, "per_second": 1.0},
                        "settle_s": 2.0, "checks": checks}],
            "growth": growth, "rate_reached": 2.0, "target_doses_per_s": 1.0, "measured": {}, "cores": 2,
            "load_average": {"before": [1, 1, 1], "after": [2, 2, 2]}, "config": {"interval": 5.0},
            "samples": [], "sampler_errors": 0, "ok": not growth["problems"], "problems": growth["problems"]}


def test_postgresql_filling_its_buffer_pool_passes_but_growing_outside_it_fails():
    """The server's PSS grows as its shared buffer pool fills (a cache of a configured size): the verdict bounds
    the server without the pool's used part and only reports the whole."""
    filling = samples({"postgresql": lambda t: 200.0 + 0.15 * t,  # +134 MB: the pool filling
                       "postgresql outside its buffer pool": lambda t: 150.0}, {})
    result = judge(filling, start=100.0, end=100.0 + 239 * 5, window=300.0)
    assert result["problems"] == [] and result["pss_mb"]["postgresql"]["growth"] > 100
    leaking = samples({"postgresql": lambda t: 200.0 + 0.15 * t,
                       "postgresql outside its buffer pool": lambda t: 150.0 + 0.15 * t}, {})
    [problem] = judge(leaking, start=100.0, end=100.0 + 239 * 5, window=300.0)["problems"]
    assert problem.startswith("pss_mb postgresql outside its buffer pool grew from")
