"""``vaxtrail load``'s run: set a campaign up through the APIs, then many sites' session days at once.

1. **Setup** (not timed): the reference seed, a fresh lot received at the national store, fresh sites under
   the district store, a national plan and a province plan approved by a second officer and released, the
   shipments with proof of delivery down to the district, a session planned at every site with its stock
   dispensed and delivered (the shipment to the site cites the dispensation), the people registered in their
   app, approved and assigned (the first at each site walks in instead: registered on the spot by the site and
   approved under its standing delegation), every session opened and every person's check-in pass fetched.
2. **The day** (timed): every site's lanes at once (:mod:`.siteday`) in ``processes`` worker processes,
   while a :class:`~.observe.Watcher` dates each dose in every downstream read model.
3. **The end**: the sessions close (open vials discarded), the watcher waits for every read model to
   catch up (``settle`` seconds at most), and the exact counts are compared (:mod:`.checks`).

Everything the run creates has fresh ids carrying the run id (``LD<run>``), so it never touches data it did
not create and can run against a live ``make up`` stack.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import Any

from vaxtrail_cli.campaign import checks, registry, report, supply
from vaxtrail_cli.campaign.actors import Actors, Clock
from vaxtrail_cli.campaign.client import Api, Timings
from vaxtrail_cli.campaign.observe import Ledger, Watcher, standard_probes
from vaxtrail_cli.campaign.people import people as make_people
from vaxtrail_cli.campaign.polling import NotReady, retry_while, until
from vaxtrail_cli.campaign.siteday import DayTimes, Lane, LaneResult, run_lane

Say = Callable[[str], None]


@dataclass(frozen=True)
class LoadConfig:
    people: int = 400
    sites: int = 4
    tables: int = 6
    batch_share: float = 0.5  # share of each site's tables that are offline devices
    batch_size: int = 50
    processes: int = 2  # worker processes running the lanes (0: threads in this process)
    duration: float = 0.0  # seconds after which lanes start nobody new (0: until everyone is through)
    sample_every: int = 20
    interval: float = 0.5
    settle: float = 300.0
    check_people: int = -1  # people whose records are compared at the end (-1: every vaccinated person)
    setup_threads: int = 8
    province: str = "79"
    district: str = "760"
    district_store: str = "DHC-760"
    province_store: str = "CDC-79"
    run: str = field(default_factory=lambda: uuid.uuid4().hex[:6].upper())
    ride_out: float = 0.0  # seconds each request rides out its service being away (the fault suite; client.Api)
    pace: float = 0.0  # seconds a table spends on a person at least (0: as fast as the services answer)
    reserve_cover: int = 0  # doses received beyond the day's, covering the second doses that earlier runs on the
    # same stack reserved at the national store (INV-18 refuses a plan that would use them; the soak's rounds)


@dataclass(frozen=True)
class SitePlan:
    site_id: str
    session_id: str
    people: int
    dispensed: int


@dataclass(frozen=True)
class DaySignals:
    """A caller's handles on a run (the fault suite): ``started`` is set when the setup is done and the day
    begins, ``ended`` when its last lane is done; the end (closing the sessions, waiting for the read models,
    the checks) then waits for ``release`` - the fault suite sets it once its last fault is absorbed, so the
    checks cover every fault."""

    started: threading.Event = field(default_factory=threading.Event)
    ended: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)


def split(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def run_load(urls: Mapping[str, str], private_key: bytes, config: LoadConfig, say: Say = print, *,
             signals: DaySignals | None = None) -> dict[str, Any]:
    """The whole run (module docstring); ``signals``: see :class:`DaySignals`."""
    setup_timings = Timings()
    api, actors, clock = Api(urls, timings=setup_timings, ride_out=config.ride_out), Actors(private_key), Clock()
    started = time.monotonic()
    lot, sites, people = _setup(api, actors, clock, config, say)
    setup_seconds = time.monotonic() - started
    say(f"setup done in {setup_seconds:.0f}s; the day starts: {len(sites)} sites x {config.tables} tables")
    if signals is not None:
        signals.started.set()

    window = (clock.day(-1), clock.day(1))
    probe_api = Api(urls, ride_out=config.ride_out)
    counts, samples = standard_probes(probe_api, actors, lot_id=lot, window=window,
                                      dispensed={s.site_id: s.dispensed for s in sites})
    watcher = Watcher(Ledger(), counts, samples, sample_every=config.sample_every, interval=config.interval)
    watcher.start()
    lanes = _lanes(config, lot, sites, people, DayTimes.of(clock))
    results = _run_lanes(lanes, urls, private_key, config.processes, watcher.feed)
    ended = time.time()
    if signals is not None:
        signals.ended.set()
        if not signals.release.is_set():
            say(f"the day is over: {sum(r.doses for r in results):,} doses accepted; the end waits")
            signals.release.wait()
    say(f"the day is over: {sum(r.doses for r in results):,} doses accepted; closing the sessions")
    for s in sites:
        api.post("immunization", f"/v1/sessions/{s.session_id}/close",
                 {"closed_at": clock.ago(hours=2, minutes=40), "discard_open_vials": True},
                 actors.site_manager(s.site_id) | supply.key("close", s.session_id),
                 route="POST /v1/sessions/{session_id}/close").expect(201, 200, what="close session")
    deadline = time.monotonic() + config.settle
    while not watcher.caught_up() and time.monotonic() < deadline:
        time.sleep(0.5)
    _await_closed(api, actors, sites, max(1.0, deadline - time.monotonic()))
    settled = time.time() - ended
    watcher.stop()
    watcher.join()
    say(f"read models {'caught up' if watcher.caught_up() else 'NOT caught up'} {settled:.0f}s after the last dose;"
        " comparing counts")
    return _result(config, api, actors, sites, lot, window, watcher, results, setup_seconds, settled, probe_api)


def _setup(api: Api, actors: Actors, clock: Clock, config: LoadConfig, say: Say):
    run = config.run
    lot = f"LOT-LD{run}"
    per_site = split(config.people, config.sites)
    sites = [SitePlan(f"LD{run}-S{i + 1:02d}", f"SES-LD{run}-{i + 1:02d}", n,
                      (-(-n // supply.DOSES_PER_VIAL) + config.tables) * supply.DOSES_PER_VIAL)
             for i, n in enumerate(per_site)]
    total = sum(s.dispensed for s in sites)
    say(f"run LD{run}: seed, lot {lot} ({total:,} doses), {len(sites)} sites")
    supply.seed(api, actors)
    supply.register_lot(api, actors, clock, lot)
    cover = -(-config.reserve_cover // supply.DOSES_PER_VIAL) * supply.DOSES_PER_VIAL  # whole vials
    supply.receive(api, actors, clock, lot, total + cover)
    registry.parallel(lambda s: supply.register_site(api, actors, clock, s.site_id, province=config.province,
                                                     district=config.district, district_store=config.district_store,
                                                     tables=config.tables), sites, config.setup_threads)
    say("plans: national -> province -> district, each approved by a second officer, released and delivered")
    supply.wait_for_store(api, actors, supply.NATIONAL, {lot: total}, recipients=[config.province_store])
    national = supply.release_plan(api, clock, {
        "plan_id": f"AP-NAT-LD{run}", "level": "NATIONAL", "source_location_id": supply.NATIONAL, "lot_ids": [lot],
        "lines": [{"recipient_unit_id": config.province, "doses": total}]},
        writer=actors.national("anh"), approver=actors.national("binh"))
    [line] = national["lines"]
    supply.ship(api, clock, f"SHP-LD{run}-P", supply.NATIONAL, config.province_store, {lot: total}, 9,
                actors.national(), actors.province(config.province), plan_id=national["plan_id"],
                line_id=line["line_id"])
    supply.wait_for_store(api, actors, config.province_store, {lot: total}, recipients=[config.district_store])
    province = supply.release_plan(api, clock, {
        "plan_id": f"AP-{config.province}-LD{run}", "level": "PROVINCE", "province_code": config.province,
        "lot_ids": [lot], "lines": [{"recipient_unit_id": config.district, "doses": total}]},
        writer=actors.province(config.province, "lan"), approver=actors.province(config.province, "minh"))
    [line] = province["lines"]
    supply.ship(api, clock, f"SHP-LD{run}-D", config.province_store, config.district_store, {lot: total}, 8,
                actors.province(config.province), actors.district(config.district), plan_id=province["plan_id"],
                line_id=line["line_id"])
    supply.wait_for_store(api, actors, config.district_store, {lot: total})
    district = actors.district(config.district)
    say("sessions planned, stock dispensed and delivered to every site")
    for s in sites:
        supply.plan_session(api, district, clock, s.session_id, s.site_id, persons=max(s.people, 1),
                            tables=config.tables)
        supply.dispense(api, district, s.session_id, lot, s.dispensed)
        supply.ship(api, clock, f"SHP-LD{run}-{s.site_id}", config.district_store, s.site_id, {lot: s.dispensed}, 6,
                    district, actors.site_manager(s.site_id), session_id=s.session_id)
    say(f"{config.people:,} people register in their app, are approved and assigned; the first at each site "
        "walks in and is approved under the site's delegation")
    firsts = [sum(x.people for x in sites[:i]) for i in range(len(sites))]
    walk_ins = {first: (s.site_id, s.session_id) for first, s in zip(firsts, sites, strict=True) if s.people}
    enrolled = registry.enrol(api, actors, make_people(config.people, config.province, config.district), run=f"LD{run}",
                              centre=config.district_store, threads=config.setup_threads, walk_ins=walk_ins)
    for s in sites:
        retry_while(lambda s=s: api.post("immunization", f"/v1/sessions/{s.session_id}/open",
                                         {"opened_at": clock.ago(hours=4), "staff": []},
                                         actors.site_manager(s.site_id) | supply.key("open", s.session_id),
                                         route="POST /v1/sessions/{session_id}/open"),
                    lambda r: r.status == 404, timeout=supply.WAIT,
                    what=f"immunization to know session {s.session_id}").expect(201, 200, what="open session")
    say("check-in passes fetched in the citizens' apps")
    people: dict[str, list] = {}
    offset = 0
    for s in sites:
        mine = enrolled[offset:offset + s.people]
        offset += s.people
        people[s.site_id] = registry.parallel(lambda p, s=s: registry.check_in_pass(api, actors, p, s.session_id),
                                              mine, config.setup_threads)
    return lot, sites, people


def _lanes(config: LoadConfig, lot: str, sites: list[SitePlan], people: dict[str, list], times: DayTimes) -> list[Lane]:
    devices = round(config.tables * config.batch_share)
    interactive = config.tables - devices
    deadline = time.time() + config.duration if config.duration else 0.0
    lanes = []
    for s in sites:
        mine = people[s.site_id]
        batch_people = round(len(mine) * (devices / config.tables)) if interactive else len(mine)
        groups = {"batch": (devices, mine[:batch_people]), "interactive": (interactive, mine[batch_people:])}
        for mode, (count, members) in groups.items():
            for i in range(count):
                lanes.append(Lane(config.run, s.site_id, s.session_id, lot, mode, i + 1, tuple(members[i::count]),
                                  times, config.batch_size, deadline, config.ride_out, config.pace))
    return [lane for lane in lanes if lane.people]


_QUEUE: Any = None


def _init_worker(queue: Any) -> None:
    global _QUEUE
    _QUEUE = queue


def _lanes_in_process(lanes: list[Lane], urls: Mapping[str, str], private_key: bytes) -> list[LaneResult]:
    with ThreadPoolExecutor(max_workers=len(lanes), thread_name_prefix="lane") as pool:
        return list(pool.map(lambda lane: run_lane(lane, urls, private_key, _QUEUE.put), lanes))


def _run_lanes(lanes: list[Lane], urls: Mapping[str, str], private_key: bytes, processes: int,
               feed: Callable[[tuple], None]) -> list[LaneResult]:
    if processes <= 0:
        with ThreadPoolExecutor(max_workers=len(lanes), thread_name_prefix="lane") as pool:
            return list(pool.map(lambda lane: run_lane(lane, urls, private_key, feed), lanes))
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    done = threading.Event()

    def collect() -> None:
        while not done.is_set() or not queue.empty():
            try:
                feed(queue.get(timeout=0.2))
            except Exception:  # noqa: BLE001 - queue.Empty; the loop ends when the lanes are done
                continue
    collector = threading.Thread(target=collect, name="lane-events", daemon=True)
    collector.start()
    with ProcessPoolExecutor(max_workers=processes, mp_context=context, initializer=_init_worker,
                             initargs=(queue,)) as pool:
        futures: list[Future] = [pool.submit(_lanes_in_process, lanes[i::processes], dict(urls), private_key)
                                 for i in range(processes) if lanes[i::processes]]
        results = [r for f in futures for r in f.result()]
    done.set()
    collector.join()
    return results


def _await_closed(api: Api, actors: Actors, sites: list[SitePlan], timeout: float) -> None:
    """Until every session's day sheet shows it closed (the watcher follows doses, not the closes: after a
    quiet spell its read models are caught up at once, and the close may not have reached the sheet yet); the
    checks report a session still open after ``timeout``."""
    def closed() -> bool:
        return all(api.get("immunization", f"/v1/sessions/{s.session_id}/day-sheet", actors.site_manager(s.site_id),
                           route="GET /v1/sessions/{session_id}/day-sheet").json().get("status") == "CLOSED"
                   for s in sites)
    with contextlib.suppress(NotReady):
        until(closed, timeout=timeout, what="every session closed")


def _result(config: LoadConfig, api: Api, actors: Actors, sites: list[SitePlan], lot: str, window: tuple[str, str],
            watcher: Watcher, results: list[LaneResult], setup_seconds: float, settled: float,
            probe_api: Api) -> dict[str, Any]:
    ledger = watcher.ledger
    tally = checks.Tally()
    runs = [checks.SiteRun(s.site_id, s.session_id, s.dispensed, len(ledger.doses.get(s.site_id, [])),
                           len(ledger.vials.get(s.site_id, []))) for s in sites]
    checks.check_sites(api, actors, runs, lot, window, tally)
    vaccinated = [person for _, _, person, _ in ledger.persons]
    if config.check_people >= 0:
        vaccinated = vaccinated[:: max(1, len(vaccinated) // max(1, config.check_people))][:config.check_people]
    checks.check_people(api, actors, vaccinated, tally, config.setup_threads)
    lane_timings = Timings()
    for r in results:
        lane_timings.merge(r.timings)
    merged: dict[str, dict[str, int]] = {"conflicts": {}, "rejected": {}, "waits": {}}
    for r in results:
        for name in merged:
            for what, n in getattr(r, name).items():
                merged[name][what] = merged[name].get(what, 0) + n
    times = {mode: [at for _, m, _, at in ledger.persons if m == mode] for mode in ("interactive", "batch")}
    return {
        "run": f"LD{config.run}", "config": asdict(config), "lot_id": lot, "setup_seconds": round(setup_seconds, 1),
        "rates": {"mix": report.rate(at for *_, at in ledger.persons),
                  **{mode: report.rate(t) for mode, t in times.items() if t}},
        "timeline_10s": report.timeline(at for *_, at in ledger.persons),
        "routes": report.routes(lane_timings.export()),
        "probe_routes": report.routes(probe_api.timings.export()),
        "lag_ms": {name: report.spread(values, 1000) for name, values in watcher.lags.items()},
        "unseen": watcher.unseen(), "settle_seconds": round(settled, 1), **merged,
        "failures": [f for r in results for f in r.failures], "skipped": sum(r.skipped for r in results),
        "checks": {**tally.result(), "compared": len(tally.compared)},
    }
