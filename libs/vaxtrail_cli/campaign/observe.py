"""How long a dose takes to show downstream: every read model it reaches, watched through the public APIs.

Lanes report each accepted dose (and vial opening) with the wall-clock time its answer arrived; a
:class:`Watcher` thread polls the read models and records, per read model, the lag from accepted to visible:

- **count probes** read a per-site figure (doses in immunization's dose report, allocation's doses given,
  inventory's site usage; vials booked out of the site's stock). The k-th dose accepted at a site is
  visible once the figure reaches k, so each poll dates every dose it newly covers; the resolution is the
  poll interval (each site is polled about every ``interval`` seconds per probe).
- **sample probes** follow one dose in ``sample_every`` until its person's record shows it (the citizen's
  record in registration; a certificate that ``POST /v1/verify`` accepts; the dose's audit trail holding its
  ``DoseAdministered``), so a probe costs a request per sampled dose per poll rather than one per dose.

A read model that has not caught up when the watcher stops leaves those doses without a lag; the report
counts them as ``unseen``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote

from vaxtrail_cli.campaign.actors import Actors
from vaxtrail_cli.campaign.audit import DOSE_ADMINISTERED, step_named
from vaxtrail_cli.campaign.client import Api

CountFetch = Callable[[str], "int | None"]
SampleCheck = Callable[[str, str], bool]


@dataclass(frozen=True)
class CountProbe:
    name: str
    kind: str  # "dose" | "vial": what the figure counts
    fetch: CountFetch  # site id -> figure (None when the read fails)


@dataclass(frozen=True)
class SampleProbe:
    name: str
    check: SampleCheck  # (person id, dose id) -> whether the dose shows


@dataclass
class Ledger:
    """Accepted doses and vial openings per site, in the order their answers arrived."""

    doses: dict[str, list[float]] = field(default_factory=dict)
    vials: dict[str, list[float]] = field(default_factory=dict)
    persons: list[tuple[str, str, str, float]] = field(default_factory=list)  # (site, mode, person, accepted)

    def add(self, event: tuple) -> None:
        if event[0] == "dose":
            _, site, mode, _dose, person, at = event
            self.doses.setdefault(site, []).append(at)
            self.persons.append((site, mode, person, at))
        else:
            _, site, _vial, at = event
            self.vials.setdefault(site, []).append(at)

    def accepted(self, kind: str, site: str) -> list[float]:
        return sorted((self.doses if kind == "dose" else self.vials).get(site, []))


class Watcher(threading.Thread):
    def __init__(self, ledger: Ledger, counts: list[CountProbe], samples: list[SampleProbe], *,
                 sample_every: int = 20, interval: float = 0.5) -> None:
        super().__init__(name="campaign-watcher", daemon=True)
        self.ledger, self.counts, self.samples = ledger, counts, samples
        self.sample_every, self.interval = max(1, sample_every), interval
        self.lags: dict[str, list[float]] = {p.name: [] for p in [*counts, *samples]}
        self._covered: dict[tuple[str, str], int] = {}
        self._pending: dict[str, list[tuple[str, str, float]]] = {p.name: [] for p in samples}
        self._sampled = 0
        self._lock = threading.Lock()
        self._halt = threading.Event()
        self.errors = 0

    def feed(self, event: tuple) -> None:
        with self._lock:
            self.ledger.add(event)
            if event[0] == "dose" and len(self.ledger.persons) % self.sample_every == 1 % self.sample_every:
                for probe in self.samples:
                    self._pending[probe.name].append((event[4], event[3], event[5]))

    def stop(self) -> None:
        self._halt.set()

    def caught_up(self) -> bool:
        with self._lock:
            sites = {kind: {s: len(v) for s, v in (self.ledger.doses if kind == "dose" else self.ledger.vials).items()}
                     for kind in ("dose", "vial")}
            pending = any(self._pending.values())
        return not pending and all(self._covered.get((p.name, site), 0) >= total
                                   for p in self.counts for site, total in sites[p.kind].items())

    def unseen(self) -> dict[str, int]:
        with self._lock:
            missing = {p.name: len(v) for p, v in ((p, self._pending[p.name]) for p in self.samples)}
            for probe in self.counts:
                source = self.ledger.doses if probe.kind == "dose" else self.ledger.vials
                missing[probe.name] = sum(max(0, len(v) - self._covered.get((probe.name, s), 0))
                                          for s, v in source.items())
        return missing

    def run(self) -> None:
        while not self._halt.is_set():
            started = time.monotonic()
            for probe in self.counts:
                for site in self._sites(probe.kind):
                    self._poll_count(probe, site)
            for probe in self.samples:
                self._poll_samples(probe)
            self._halt.wait(max(0.0, self.interval - (time.monotonic() - started)))

    def _sites(self, kind: str) -> list[str]:
        with self._lock:
            source = self.ledger.doses if kind == "dose" else self.ledger.vials
            return list(source)

    def _poll_count(self, probe: CountProbe, site: str) -> None:
        with self._lock:
            accepted = self.ledger.accepted(probe.kind, site)
            covered = self._covered.get((probe.name, site), 0)
        if covered >= len(accepted):
            return
        try:
            figure = probe.fetch(site)
        except OSError:
            figure = None
        if figure is None:
            self.errors += 1
            return
        now = time.time()
        reach = min(figure, len(accepted))
        with self._lock:
            self.lags[probe.name].extend(max(0.0, now - at) for at in accepted[covered:reach])
            self._covered[(probe.name, site)] = max(covered, reach)

    def _poll_samples(self, probe: SampleProbe) -> None:
        with self._lock:
            pending = list(self._pending[probe.name])
        done = []
        for person, dose, at in pending:
            try:
                visible = probe.check(person, dose)
            except OSError:
                self.errors += 1
                visible = False
            if visible:
                done.append((dose, at, time.time()))
        with self._lock:
            finished = {dose for dose, _, _ in done}
            self._pending[probe.name] = [p for p in self._pending[probe.name] if p[1] not in finished]
            self.lags[probe.name].extend(max(0.0, seen - at) for _, at, seen in done)


def standard_probes(api: Api, actors: Actors, *, lot_id: str, dispensed: dict[str, int], window: tuple[str, str],
                    doses_per_vial: int = 10) -> tuple[list[CountProbe], list[SampleProbe]]:
    """Every downstream read model a dose reaches, through the routes a client of that service would use."""
    def report(site: str) -> int | None:
        answer = api.get("immunization", "/v1/reports/doses", actors.site_manager(site), route="GET /v1/reports/doses",
                         params={"level": "site", "code": site, "date_from": window[0], "date_to": window[1]})
        return sum(row["doses"] for row in answer.json()["items"]) if answer.status == 200 else None

    def given(site: str) -> int | None:
        answer = api.get("allocation", "/v1/doses-given", actors.analyst(), params={"site_id": site})
        return answer.json()["doses"] if answer.status == 200 else None

    def usage(site: str) -> int | None:
        answer = api.get("inventory", "/v1/wastage", actors.site_manager(site), params={"location_id": site})
        return answer.json()["doses_administered"] if answer.status == 200 else None

    def vials_booked(site: str) -> int | None:
        answer = api.get("inventory", "/v1/stock", actors.site_manager(site), params={"location_id": site,
                                                                                      "lot_id": lot_id})
        if answer.status != 200:
            return None
        on_hand = sum(row["doses"] for row in answer.json()["items"])
        return (dispensed.get(site, 0) - on_hand) // doses_per_vial

    def citizen_record(person: str, _dose: str) -> bool:
        answer = api.get("registration", f"/v1/persons/{person}", actors.citizen(person),
                         route="GET /v1/persons/{person_id}")
        return answer.status == 200 and len(answer.json()["doses"]) >= 1

    def certificate(person: str, _dose: str) -> bool:
        answer = api.get("certificate", f"/v1/persons/{person}/record", actors.citizen(person),
                         route="GET /v1/persons/{person_id}/record")
        dcc = answer.json().get("current", {}).get("EU_DCC_HC1") if answer.status == 200 else None
        if not dcc:
            return False
        verified = api.post("certificate", "/v1/verify", {"qr": dcc["qr"]}, actors.citizen(person))
        return verified.status == 200 and verified.json().get("valid") is True

    counts = [CountProbe("immunization dose report", "dose", report),
              CountProbe("allocation doses given", "dose", given),
              CountProbe("inventory site usage", "dose", usage),
              CountProbe("inventory stock consumption (vials)", "vial", vials_booked)]
    def audit_trail(_person: str, dose: str) -> bool:
        answer = api.get("audit", f"/v1/doses/{quote(dose, safe='')}/trail", actors.auditor(),
                         route="GET /v1/doses/{dose_id}/trail")
        return answer.status == 200 and step_named(answer.json(), DOSE_ADMINISTERED) is not None

    samples = [SampleProbe("registration citizen record", citizen_record),
               SampleProbe("certificate issued and verified", certificate),
               SampleProbe("audit dose trail", audit_trail)]
    return counts, samples
