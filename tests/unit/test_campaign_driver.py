"""The campaign driver's pure parts: what a device queues, how tables split between modes, the figures."""

from __future__ import annotations

from vaxtrail_cli.bench.e2e import CERTIFICATE, figures
from vaxtrail_cli.campaign import report
from vaxtrail_cli.campaign.actors import Clock
from vaxtrail_cli.campaign.load import LoadConfig, SitePlan, _lanes, split
from vaxtrail_cli.campaign.observe import CountProbe, Ledger, SampleProbe, Watcher
from vaxtrail_cli.campaign.people import people
from vaxtrail_cli.campaign.registry import Registered
from vaxtrail_cli.campaign.siteday import STEP_OF_ROUTE, DayTimes, Lane, device_items, not_known_yet

TIMES = DayTimes.of(Clock())


def lane(count: int, mode: str = "batch") -> Lane:
    return Lane("RUN1", "S-1", "SES-1", "LOT-1", mode, 1,
                tuple(Registered(f"P-{n}", f"0790{n:08d}", f"QR-{n}", "123456") for n in range(count)), TIMES)


def test_a_device_queues_each_persons_four_steps_and_a_fresh_vial_every_ten_doses():
    items = device_items(lane(21))
    kinds = [i["kind"] for i in items]
    assert [i["sequence"] for i in items] == list(range(1, len(items) + 1))
    assert kinds.count("vial_open") == 3 and kinds.count("vial_discard") == 2
    assert [kinds.count(k) for k in ("check_in", "screening", "dose", "observation")] == [21] * 4
    assert kinds[:5] == ["vial_open", "check_in", "screening", "dose", "observation"]
    assert kinds[41:43] == ["vial_discard", "vial_open"]  # after the tenth person's observation
    doses = [i for i in items if i["kind"] == "dose"]
    assert {d["body"]["vial_opening_id"] for d in doses[:10]} == {"VIAL-RUN1-S-1-B1-1"}
    assert doses[10]["body"]["vial_opening_id"] == "VIAL-RUN1-S-1-B1-2" and doses[10]["person_id"] == "P-10"


def test_tables_split_between_devices_and_interactive_tables_by_the_batch_share():
    site = SitePlan("S-1", "SES-1", 60, 120)
    enrolled = {"S-1": [Registered(f"P-{n}", "") for n in range(60)]}
    lanes = _lanes(LoadConfig(tables=6, batch_share=0.5), "LOT-1", [site], enrolled, TIMES)
    assert [(x.mode, len(x.people)) for x in lanes] == [("batch", 10)] * 3 + [("interactive", 10)] * 3
    only_devices = _lanes(LoadConfig(tables=6, batch_share=1.0), "LOT-1", [site], enrolled, TIMES)
    assert {x.mode for x in only_devices} == {"batch"} and sum(len(x.people) for x in only_devices) == 60
    assert split(10, 4) == [3, 3, 2, 2]


def test_people_have_distinct_well_formed_citizen_ids_of_their_province():
    found = people(200, "79", "760", seed=7)
    assert len({p.national_id for p in found}) == 200
    assert all(len(p.national_id) == 12 and p.national_id.startswith("079") for p in found)


def test_percentiles_rates_and_the_steadiness_timeline():
    assert report.percentile([5, 1, 4, 2, 3], 50) == 3 and report.percentile([], 95) is None
    assert report.spread([0.1, 0.2, 0.3, 0.4], 1000)["p95"] == 400.0
    assert report.rate([10.0, 11.0, 12.0, 14.0]) == {"doses": 4, "seconds": 4.0, "per_second": 0.8}
    assert report.timeline([0.0, 1.0, 12.0, 25.0], bucket=10) == [2, 1, 1]


def test_a_count_probe_dates_each_dose_when_the_sites_figure_reaches_it():
    figure = {"value": 0}
    watcher = Watcher(Ledger(), [], [], interval=0.01)
    probe = CountProbe("dose report", "dose", lambda site: figure["value"])
    watcher.counts.append(probe)
    watcher.lags[probe.name] = []
    for n in range(3):
        watcher.feed(("dose", "S-1", "batch", f"D-{n}", f"P-{n}", 100.0 + n))
    figure["value"] = 2
    watcher._poll_count(probe, "S-1")
    assert len(watcher.lags["dose report"]) == 2 and not watcher.caught_up()
    figure["value"] = 3
    watcher._poll_count(probe, "S-1")
    assert len(watcher.lags["dose report"]) == 3 and watcher.caught_up() and watcher.unseen()["dose report"] == 0


def test_a_sample_probe_follows_the_sampled_dose_and_its_person_until_it_shows():
    shown: set[str] = set()
    seen: list[tuple[str, str]] = []

    def check(person: str, dose: str) -> bool:
        seen.append((person, dose))
        return dose in shown

    probe = SampleProbe("audit dose trail", check)
    watcher = Watcher(Ledger(), [], [probe], sample_every=2, interval=0.01)
    for n in range(3):  # doses 0 and 2 are sampled
        watcher.feed(("dose", "S-1", "batch", f"D-{n}", f"P-{n}", 100.0 + n))
    shown.add("D-2")
    watcher._poll_samples(probe)
    assert seen == [("P-0", "D-0"), ("P-2", "D-2")] and len(watcher.lags["audit dose trail"]) == 1
    assert watcher.unseen()["audit dose trail"] == 1 and not watcher.caught_up()
    shown.add("D-0")
    watcher._poll_samples(probe)
    assert len(watcher.lags["audit dose trail"]) == 2 and watcher.caught_up()


def test_the_headline_figures_of_a_run():
    result = {"run": "LDX", "rates": {"mix": {"doses": 10, "seconds": 2.0, "per_second": 4.5},
                                      "interactive": {"doses": 5, "seconds": 2.0, "per_second": 2.0}},
              "lag_ms": {CERTIFICATE: {"count": 1, "p50": 90.0, "p95": 120.0, "p99": 120.0, "max": 120.0}},
              "routes": {"POST /v1/visits/{visit_id}/doses": {"count": 5, "p50": 9.0, "p95": 20.0, "p99": 30.0,
                                                              "max": 31.0, "statuses": {"201": 5}}},
              "checks": {"ok": True}}
    found = figures(result)
    assert (found["doses_per_s"], found["interactive_doses_per_s"], found["batch_doses_per_s"]) == (4.5, 2.0, None)
    assert found["p95_dose_to_certificate_ms"] == 120.0 and found["counts_exact"] is True
    assert found["routes"]["POST /v1/visits/{visit_id}/doses"] == {"count": 5, "p50": 9.0, "p95": 20.0, "p99": 30.0}


def test_a_lane_waits_only_for_refusals_that_mean_immunization_has_not_heard_yet():
    assert not_known_yet("check_in", "identity") and not_known_yet("vial_open", "INV-28")
    assert not not_known_yet("dose", "INV-28") and not not_known_yet("vial_open", "INV-26")
    assert not not_known_yet("screening", None)
    kinds = {i["kind"] for i in device_items(lane(1))}
    assert set(STEP_OF_ROUTE.values()) <= kinds  # the interactive routes name the device's step kinds


def test_a_devices_uploads_end_with_a_persons_observation_so_a_deadline_never_leaves_a_dose_unobserved():
    """A device stopped at the day's deadline between two uploads; an upload of exactly 50 items cut a person
    between their dose and their observation, and the day sheet counted one observation fewer than doses (the
    fault suite's exact counts, under a saturated machine where the deadline came before the last person)."""
    from vaxtrail_cli.campaign.siteday import batches

    items = device_items(lane(37))
    cuts = batches(items, 50)
    assert [s for s, _ in cuts] == [0, *(e for _, e in cuts[:-1])] and cuts[-1][1] == len(items)
    for start, end in cuts:
        assert items[end - 1]["kind"] == "observation" and end - start >= min(50, len(items) - start)
        uploaded = items[start:end]
        assert sum(i["kind"] == "dose" for i in uploaded) == sum(i["kind"] == "observation" for i in uploaded)
