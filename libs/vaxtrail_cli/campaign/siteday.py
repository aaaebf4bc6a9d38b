"""The session day at a site: people through check-in -> screening -> dose -> observation, on lanes.

A lane is one injection table. An *interactive* lane sends one request per step as the table's tablet does
online; a *device* lane is an offline tablet that queues the same steps as items (device id + local
sequence) and uploads them in batches (``POST /v1/sites/{site}/devices/{device}/batches``). Both open a
10-dose vial, draw ten doses from it, discard it empty and open the next.

A lane is a plain function of a picklable :class:`Lane` (so lanes can run in worker processes) that reports
each accepted dose and vial opening through ``emit`` as it happens, and returns a :class:`LaneResult`.
What a lane retries, and counts: a 409 (a version conflict: with the aggregate boundaries of
docs/architecture.md only real ones remain, such as two tables drawing the last dose of one vial) and a
check-in refused because immunization has not yet learned the person from registration's topic, and a vial
opening refused because it has not yet learned the lot's delivery to the site from inventory's
(:data:`NOT_KNOWN_YET`); batch items the upload rejected are uploaded again once per round, in sequence order,
for :data:`BATCH_ROUNDS` rounds or, while one of them is such a refusal, until :data:`~.supply.WAIT` has
passed. Everything else is a failure, named by route and rule.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from vaxtrail_cli.campaign.actors import Actors, Clock
from vaxtrail_cli.campaign.client import Api, Response
from vaxtrail_cli.campaign.registry import Registered
from vaxtrail_cli.campaign.supply import DOSES_PER_VIAL, WAIT, key

NORMAL_VITALS = {"temperature_celsius": "36.8", "pulse_per_minute": 80, "systolic_mmhg": 120, "diastolic_mmhg": 75,
                 "respiratory_rate_per_minute": 16}
CONFLICT_RETRIES = 8
BATCH_ROUNDS = 4
Emit = Callable[[tuple], None]


@dataclass(frozen=True)
class DayTimes:
    """Business times of every step (ISO strings, recorded hours back: see :mod:`.actors`)."""

    opened: str
    vial: str
    check_in: str
    screened: str
    dose: str
    discarded: str
    observed: str

    @classmethod
    def of(cls, clock: Clock) -> DayTimes:
        return cls(clock.ago(hours=4), clock.ago(hours=3, minutes=50), clock.ago(hours=3, minutes=40),
                   clock.ago(hours=3, minutes=35), clock.ago(hours=3, minutes=30), clock.ago(hours=3, minutes=25),
                   clock.ago(hours=2, minutes=50))


@dataclass(frozen=True)
class Lane:
    run: str
    site_id: str
    session_id: str
    lot_id: str
    mode: str  # "interactive" | "batch"
    index: int
    people: tuple[Registered, ...]
    times: DayTimes
    batch_size: int = 50
    deadline: float = 0.0  # wall-clock time after which no new person starts (0: none)
    ride_out: float = 0.0  # seconds a request rides out its service being away (the fault suite; client.Api)
    pace: float = 0.0  # seconds a table spends on a person at least (0: as fast as the services answer)

    @property
    def name(self) -> str:
        return f"{self.site_id}-{self.mode[0].upper()}{self.index}"


@dataclass
class LaneResult:
    lane: str
    mode: str
    site_id: str
    doses: int = 0
    vials: int = 0
    started: float = 0.0
    ended: float = 0.0
    conflicts: dict[str, int] = field(default_factory=dict)
    rejected: dict[str, int] = field(default_factory=dict)  # batch items rejected at first upload, by kind/rule
    waits: dict[str, int] = field(default_factory=dict)  # answers that meant "not yet known here"
    failures: list[str] = field(default_factory=list)
    skipped: int = 0  # people not started before the deadline
    timings: dict[str, Any] = field(default_factory=dict)

    def count(self, table: dict[str, int], what: str) -> None:
        table[what] = table.get(what, 0) + 1


def run_lane(lane: Lane, urls: Mapping[str, str], private_key: bytes, emit: Emit) -> LaneResult:
    api, actors = Api(urls, ride_out=lane.ride_out), Actors(private_key)
    result = LaneResult(lane.name, lane.mode, lane.site_id, started=time.time())
    try:
        (_interactive if lane.mode == "interactive" else _device)(lane, api, actors, emit, result)
    finally:
        result.ended = time.time()
        result.timings = api.timings.export()
        api.close()
    return result


# -- interactive: one request per step ------------------------------------------------------------------------

NOT_KNOWN_YET = {"check_in": "identity", "vial_open": "INV-28"}
"""Per step, the refusal that means immunization has not yet learned what the step needs from another service's
topic: the person (registration) for a check-in, the lot's delivery to the site (inventory) for a vial. Such
answers append nothing, so a lane sends the step again until :data:`~.supply.WAIT` has passed."""
STEP_OF_ROUTE = {"POST /v1/sessions/{session_id}/check-ins": "check_in",
                 "POST /v1/sessions/{session_id}/vials": "vial_open"}


def not_known_yet(step: str, rule: str | None) -> bool:
    return rule is not None and NOT_KNOWN_YET.get(step) == rule


def _interactive(lane: Lane, api: Api, actors: Actors, emit: Emit, result: LaneResult) -> None:
    staff = actors.vaccinator(lane.site_id, lane.index)
    sid, times = lane.session_id, lane.times
    vial, drawn, serial = "", DOSES_PER_VIAL, 0

    def send(route: str, path: str, body: dict, idem: str) -> Response | None:
        """POST with retries on conflicts and on "not yet known here"; None (and a failure) otherwise."""
        deadline = time.monotonic() + WAIT
        for _ in range(10_000):
            response = api.post("immunization", path, body, staff | key(idem), route=route)
            if response.status in (200, 201):
                return response
            if response.status == 409 and result.conflicts.get(route, 0) < 10_000:
                result.count(result.conflicts, route)
                time.sleep(0.01)
                continue
            if not_known_yet(STEP_OF_ROUTE.get(route, ""), response.rule) and time.monotonic() < deadline:
                result.count(result.waits, f"{route} {response.rule}")
                time.sleep(0.5)
                continue
            result.failures.append(f"{route}: {response.status} {response.text[:200]}")
            return None
        return None

    began = time.monotonic()
    for n, person in enumerate(lane.people):
        _paced(lane, began, n)
        if lane.deadline and time.time() > lane.deadline:
            result.skipped = len(lane.people) - n
            break
        if drawn >= DOSES_PER_VIAL:
            if vial:
                send("POST /v1/sessions/{session_id}/vials/{vial_opening_id}/discard",
                     f"/v1/sessions/{sid}/vials/{vial}/discard",
                     {"discarded_at": times.discarded, "reason": "EMPTY", "residual_doses": 0}, f"{vial}-discard")
            serial += 1
            vial = f"VIAL-{lane.run}-{lane.name}-{serial}"
            if send("POST /v1/sessions/{session_id}/vials", f"/v1/sessions/{sid}/vials",
                    {"vial_opening_id": vial, "lot_id": lane.lot_id, "opened_at": times.vial}, vial) is None:
                return
            result.vials += 1
            emit(("vial", lane.site_id, vial, time.time()))
            drawn = 0
        visit = f"V-{lane.run}-{lane.name}-{n}"
        dose = f"D-{lane.run}-{lane.name}-{n}"
        steps = (
            ("POST /v1/sessions/{session_id}/check-ins", f"/v1/sessions/{sid}/check-ins", {
                "visit_id": visit, "identity_method": "QR", "qr_token": person.qr_token,
                "presence_code": person.presence_code, "checked_in_at": times.check_in}),
            ("POST /v1/visits/{visit_id}/screening", f"/v1/visits/{visit}/screening",
             {"vitals": NORMAL_VITALS, "screened_at": times.screened}),
            ("POST /v1/visits/{visit_id}/doses", f"/v1/visits/{visit}/doses", {
                "dose_id": dose, "vial_opening_id": vial, "series": "PRIMARY", "dose_number": 1,
                "administered_at": times.dose}),
        )
        if not all(send(route, path, body, f"{visit}-{i}") for i, (route, path, body) in enumerate(steps)):
            continue
        drawn += 1
        result.doses += 1
        emit(("dose", lane.site_id, lane.mode, dose, person.person_id, time.time()))
        send("POST /v1/visits/{visit_id}/observation", f"/v1/visits/{visit}/observation",
             {"ended_at": times.observed, "outcome": "NO_REACTION"}, f"{visit}-observation")


# -- device: queued items uploaded in batches -----------------------------------------------------------------

def device_items(lane: Lane) -> list[dict]:
    """Everything the device records offline, in its local sequence order (a dose item also notes, for the
    driver only, whose dose it is: ``person_id`` is not sent)."""
    items: list[dict] = []
    times, sid = lane.times, lane.session_id

    def add(kind: str, body: dict, **target: str) -> None:
        items.append({"sequence": len(items) + 1, "kind": kind, "body": body, **target})

    vial = ""
    for n, person in enumerate(lane.people):
        if n % DOSES_PER_VIAL == 0:
            if vial:
                add("vial_discard", {"discarded_at": times.discarded, "reason": "EMPTY", "residual_doses": 0},
                    session_id=sid, vial_opening_id=vial)
            vial = f"VIAL-{lane.run}-{lane.name}-{n // DOSES_PER_VIAL + 1}"
            add("vial_open", {"vial_opening_id": vial, "lot_id": lane.lot_id, "opened_at": times.vial}, session_id=sid)
        visit = f"V-{lane.run}-{lane.name}-{n}"
        add("check_in", {"visit_id": visit, "identity_method": "QR", "qr_token": person.qr_token,
                         "presence_code": person.presence_code, "checked_in_at": times.check_in}, session_id=sid)
        add("screening", {"vitals": NORMAL_VITALS, "screened_at": times.screened}, visit_id=visit)
        add("dose", {"dose_id": f"D-{lane.run}-{lane.name}-{n}", "vial_opening_id": vial, "series": "PRIMARY",
                     "dose_number": 1, "administered_at": times.dose}, visit_id=visit, person_id=person.person_id)
        add("observation", {"ended_at": times.observed, "outcome": "NO_REACTION"}, visit_id=visit)
    return items


def batches(items: list[dict], size: int) -> list[tuple[int, int]]:
    """``(start, end)`` of each upload: about ``size`` items, ending with a person's last item (the observation),
    so a device that stops uploading at the day's deadline never leaves a vaccinated person unobserved (a batch
    cut between a dose and its observation did: the day sheet then counted one observation fewer than doses)."""
    out, start = [], 0
    while start < len(items):
        end = min(start + size, len(items))
        while end < len(items) and items[end - 1]["kind"] != "observation":
            end += 1
        out.append((start, end))
        start = end
    return out


def _paced(lane: Lane, began: float, people: int) -> None:
    """With ``lane.pace``, wait until ``people`` persons' worth of time has passed since the lane began (a
    device uploads its batch once the people in it have been seen)."""
    if lane.pace:
        time.sleep(max(0.0, began + people * lane.pace - time.monotonic()))


def _device(lane: Lane, api: Api, actors: Actors, emit: Emit, result: LaneResult) -> None:
    staff = actors.vaccinator(lane.site_id, lane.index)
    device = f"DEV-{lane.run}-{lane.name}"
    path = f"/v1/sites/{lane.site_id}/devices/{device}/batches"
    route = "POST /v1/sites/{site_id}/devices/{device_id}/batches"
    items = device_items(lane)
    persons = {item["body"]["dose_id"]: item["person_id"] for item in items if item["kind"] == "dose"}
    began = time.monotonic()
    for start, end in batches(items, lane.batch_size):
        _paced(lane, began, sum(1 for item in items[:end] if item["kind"] == "dose"))
        if lane.deadline and time.time() > lane.deadline:
            result.skipped = sum(1 for item in items[start:] if item["kind"] == "dose")
            return
        pending = items[start:end]
        outcome: dict[int, dict] = {}
        waited_until = time.monotonic() + WAIT
        for round_ in range(10_000):
            upload = [{k: v for k, v in item.items() if k != "person_id"} for item in pending]
            response = api.post("immunization", path, {"items": upload}, staff, route=route)
            if response.status != 200:
                result.failures.append(f"{route}: {response.status} {response.text[:200]}")
                time.sleep(0.5)
                continue
            answered = time.time()
            outcome = {r["sequence"]: r for r in response.json()["items"]}
            for item in pending:
                answer = outcome[item["sequence"]]
                if answer["status"] == "rejected":
                    if round_ == 0:
                        result.count(result.rejected, f"{item['kind']} {answer.get('rule')}")
                    continue
                if answer["status"] == "accepted" and item["kind"] == "dose":
                    result.doses += 1
                    emit(("dose", lane.site_id, lane.mode, item["body"]["dose_id"], persons[item["body"]["dose_id"]],
                          answered))
                elif answer["status"] == "accepted" and item["kind"] == "vial_open":
                    result.vials += 1
                    emit(("vial", lane.site_id, item["body"]["vial_opening_id"], answered))
            pending = [item for item in pending if outcome[item["sequence"]]["status"] == "rejected"]
            waiting = [item for item in pending if not_known_yet(item["kind"], outcome[item["sequence"]].get("rule"))]
            if not pending or (round_ + 1 >= BATCH_ROUNDS and not (waiting and time.monotonic() < waited_until)):
                break
            for item in waiting:
                result.count(result.waits, f"batch {item['kind']} {outcome[item['sequence']].get('rule')}")
            time.sleep(0.2 * min(round_ + 1, 5))
        for item in pending:
            answer = outcome.get(item["sequence"], {})
            result.failures.append(f"batch item {item['kind']}: {answer.get('http_status')} {answer.get('rule')} "
                                   f"{(answer.get('detail') or 'not answered')[:160]}")
