"""``make bench`` writes every figure beside its limit, and latest.json with the ratios and the e2e section."""

from __future__ import annotations

import dataclasses
import io
import json
import sys
import types
from pathlib import Path

from vaxtrail_cli.bench import suite
from vaxtrail_cli.bench.kafka_limits import Figure
from vaxtrail_cli.catchup import ProgressBar, Replay


def a_result(**extra) -> dict:
    figures = {
        "append": Figure("event store append", 50_000, 10.0), "raw_produce": Figure("raw produce", 49_999, 2.0),
        "raw_consume": Figure("raw consume", 48_000, 1.0), "relay": Figure("relay", 48_000, 4.0),
        "projection": Figure("projection", 48_000, 1.6), "rebuild_raw_consume": Figure("raw", 999_000, 20.0),
        "rebuild": Figure("rebuild", 1_000_000, 50.0), "rebuild_steady": Figure("steady", 990_000, 45.0),
    }
    result = {"run_id": "a1b2c3d4", "when": "2026-12-07T12:00:00+00:00", "machine": suite.machine(),
              "figures": {k: f.as_dict() for k, f in figures.items()},
              "certificate": {"offline": {"raw_ecdsa_p256_verify_per_s": 14_000, "raw_ecdsa_p256_sign_per_s": 40_000,
                                          "hc1_verify_per_s": 9_100, "shc_verify_per_s": 8_000,
                                          "issue_both_formats_per_s": 3_000}},
              "e2e": {"doses_per_s": 120.5, "interactive_doses_per_s": 80.0, "p95_dose_to_certificate_ms": 900}}
    result.update(extra)
    result["ratios"] = suite.ratios(result)
    result["machine"]["load_average_after"] = [1.0, 1.0, 1.0]
    return result


def test_the_ratios_are_each_figure_over_its_limit_from_the_same_run():
    ratios = a_result()["ratios"]
    assert ratios["projection_vs_raw_consume"] == round((48_000 / 1.6) / 48_000, 3)
    assert ratios["relay_vs_raw_produce"] == round((48_000 / 4.0) / (49_999 / 2.0), 3)
    assert ratios["hc1_verify_vs_raw_ecdsa"] == 0.65
    assert ratios["rebuild_vs_raw_consume"] == round((990_000 / 45.0) / (999_000 / 20.0), 3)


def test_a_ratio_without_its_figures_is_none_not_zero():
    result = a_result()
    result["figures"], result["certificate"] = {}, {}
    assert set(suite.ratios(result).values()) == {None}


def test_latest_json_holds_the_ratios_the_figures_and_the_e2e_section(tmp_path):
    paths = suite.write_results(a_result(), tmp_path)
    assert [p.name for p in paths] == ["latest.json", "latest.md", "bench-20261207T120000.json"]
    written = json.loads((tmp_path / "latest.json").read_text())
    assert {"projection_vs_raw_consume", "relay_vs_raw_produce", "hc1_verify_vs_raw_ecdsa"} <= set(written["ratios"])
    assert written["e2e"]["doses_per_s"] == 120.5 and written["figures"]["projection"]["rate_per_s"] == 30_000


def test_the_markdown_puts_every_figure_beside_its_limit_and_target():
    text = suite.render_markdown(a_result())
    assert "| projection stock_on_hand (worker loop) | 30,000/s | raw consume 48,000/s | 0.62 | >= 0.50 |" in text
    assert "| HC1 verification | 9,100/s | raw ECDSA P-256 verify 14,000/s | 0.65 | >= 0.80 |" in text
    assert "end to end: doses_per_s | 120.5 |" in text


def fake_e2e_module(monkeypatch, calls: list) -> types.ModuleType:
    """A stand-in for vaxtrail_cli.bench.e2e that records how the suite calls it (no servers)."""
    module = types.ModuleType("vaxtrail_cli.bench.e2e")
    module.short_config = lambda duration=None: ("short config", duration)

    def short_run(out, config="default config", say=print):
        calls.append({"out": out, "config": config, "say": say})
        return {"doses_per_s": 700.0}

    module.short_run = short_run
    monkeypatch.setitem(sys.modules, "vaxtrail_cli.bench.e2e", module)
    return module


def test_the_e2e_section_comes_from_the_load_generator_when_it_exists(monkeypatch, tmp_path):
    calls = []
    fake_e2e_module(monkeypatch, calls)
    say = []
    assert suite.e2e(say.append, tmp_path / "results", 45.0) == {"doses_per_s": 700.0}
    # the results folder where the short run writes e2e-<run>.json, never the print callable
    assert calls == [{"out": tmp_path / "results", "config": ("short config", 45.0), "say": say.append}]


def test_the_suite_gives_the_e2e_run_its_results_folder_and_duration(monkeypatch, tmp_path):
    calls = []
    fake_e2e_module(monkeypatch, calls)
    options = suite.Options(only=frozenset({"e2e"}), results=tmp_path, e2e_duration=30.0)
    assert not options.needs_servers()
    result = suite.run(None, None, options, out=lambda _: None)
    assert result["e2e"] == {"doses_per_s": 700.0} and result["options"]["e2e_duration"] == 30.0
    [call] = calls
    assert call["out"] == tmp_path and isinstance(call["out"], Path) and call["config"] == ("short config", 30.0)


def test_the_short_run_config_takes_the_duration_and_keeps_the_rest():
    from vaxtrail_cli.bench import e2e

    assert e2e.short_config() is e2e.SHORT
    assert e2e.short_config(30.0) == dataclasses.replace(e2e.SHORT, duration=30.0)


def test_without_the_load_generator_the_e2e_section_says_it_was_skipped(monkeypatch):
    monkeypatch.setitem(sys.modules, "vaxtrail_cli.bench.e2e", None)  # an import of it raises ModuleNotFoundError
    assert "skipped" in suite.e2e(print, Path("bench/results"))


def test_the_progress_bar_draws_in_place_on_a_terminal_and_every_tenth_elsewhere():
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    bar = ProgressBar("rebuild", terminal, width=10)
    bar(250, 1000, 2.0)
    bar(1000, 1000, 4.0)
    assert terminal.getvalue() == ("\rrebuild [##--------]  25%  250 / 1,000 events  125/s  ETA 6 s"
                                   "\rrebuild [##########] 100%  1,000 / 1,000 events  250/s  4.0 s\n")
    log = io.StringIO()
    bar = ProgressBar("rebuild", log, width=10)
    for done in range(0, 1001, 50):
        bar(done, 1000, 1.0 + done / 100)
    assert len(log.getvalue().splitlines()) == 11


def test_a_replay_reports_its_whole_and_steady_rates():
    replay = Replay(events=1_000_000, total=1_000_000, seconds=50.0, steady_events=990_000, steady_seconds=45.0)
    assert replay.complete and replay.rate == 20_000 and replay.steady_rate == 22_000
