"""Trail assembly (pure): which logged events make up the trail of a dose, a lot, a person or a certificate.

The caller hands in ``by_keys(keys) -> {key: [Entry]}`` (every logged event carrying each link key,
:mod:`services.audit.domain.links`); these functions decide what to follow and what to keep, a wave of keys
per read (a dose trail is about six reads), and put the result in causal order (:func:`causal_order`).

The trail of a dose (what produced it and what it produced):

* the dose's own events (``dose:``): given / recorded, drawn from its vial, corrected, entered in error, the
  stock booked out for it, AEFI reports and certificates citing it;
* its visit (check-in, screening, observation), its vial (opened, discarded, booked out - but not the other
  doses drawn from it), its session plan, the person's appointment in that session and its seat;
* its AEFI cases (investigation, classification) and every certificate citing it (issued, suspended,
  reinstated, revoked, reissued);
* the supply path of its lot to its site: the session's dispensation of that lot, then, walking up from each
  location the stock left, every dispatch of the lot towards it with its proof of delivery, ledger lines of
  that lot, cold-chain findings and the allocation plan (plan-level events and the line it fulfils), up to
  the receipts of the lot; and the lot's own life (registered, suspended, released, recalled).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from services.audit.domain.links import key, values


@dataclass(frozen=True)
class Entry:
    """One logged event as a trail step (envelope fields and link keys; never a payload)."""

    service: str
    position: int
    event_id: str
    event_type: str
    recorded_at: datetime
    keys: tuple[str, ...] = ()
    fields: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def ref(self) -> tuple[str, int]:
        return self.service, self.position

    @property
    def name(self) -> str:
        """``DoseAdministered`` for ``vaxtrail.immunization.v1.DoseAdministered``."""
        return self.event_type.rsplit(".", 1)[-1]


ByKeys = Callable[[Iterable[str]], dict[str, list[Entry]]]
"""``by_keys(keys) -> {key: every logged event carrying it}``: one read for many keys."""


class UnknownSubject(LookupError):
    """No logged event names the dose, lot, person or certificate asked for."""


GIVEN = ("DoseAdministered", "DoseRecordedHistorical")
DOSE_RECORD = (*GIVEN, "DoseCorrected", "DoseEnteredInError")
PLAN_LEVEL = ("AllocationPlanDrafted", "AllocationPlanSubmitted", "AllocationPlanApproved", "AllocationPlanRejected")
LEDGER_LINES = ("StockIssued", "StockTransferredIn")
Keep = Callable[[Entry], bool]


def _everything(e: Entry) -> bool:
    return True


class _Picked:
    """The events kept so far; :meth:`follow` reads a wave of keys at once, each with what to keep of it."""

    def __init__(self, by_keys: ByKeys) -> None:
        self.by_keys = by_keys
        self.entries: dict[tuple[str, int], Entry] = {}

    def follow(self, wanted: dict[str, Keep]) -> dict[str, list[Entry]]:
        found = self.by_keys(list(wanted)) if wanted else {}
        kept = {}
        for k, keep in wanted.items():
            kept[k] = [e for e in found.get(k, []) if keep(e)]
            for e in kept[k]:
                self.entries.setdefault(e.ref, e)
        return kept


def _all(entries: Iterable[Entry], kind: str) -> list[str]:
    return list(dict.fromkeys(v for e in entries for v in values(e.keys, kind)))


def _named(entries: Iterable[Entry], *names: str) -> list[Entry]:
    return [e for e in entries if e.name in names]


def dose_trail(by_keys: ByKeys, dose_id: str) -> list[Entry]:
    picked = _Picked(by_keys)
    mine = key("dose", dose_id)
    own = picked.follow({mine: _everything})[mine]
    if not own:
        raise UnknownSubject(f"no event names dose {dose_id!r}")
    given = _named(own, *GIVEN)

    def not_another_dose(e: Entry) -> bool:
        return not values(e.keys, "dose") or mine in e.keys

    sessions, persons, lots = _all(given, "session"), _all(given, "person"), _all(given, "lotdose")
    wave: dict[str, Keep] = {}
    wave.update({key("visit", v): not_another_dose for v in _all(given, "visit")})
    wave.update({key("vial", v): not_another_dose for v in _all(given, "vial")})
    wave.update({key("session", s): lambda e: e.name == "SessionPlanned" for s in sessions})
    wave.update({key("booking", f"{p}@{s}"): _everything for p in persons for s in sessions})
    wave.update({key("aefi", a): _everything for a in _all(_named(own, "AefiReported"), "aefi")})
    wave.update({key("certificate", c): _everything for c in _all(_named(own, "CertificateIssued"), "certificate")})
    wave.update({key("lotstatus", lot): _everything for lot in lots})
    wave.update({key("dispensed", f"{s}/{lot}"): _everything for s in sessions for lot in lots})
    found = picked.follow(wave)
    booked = [e for k, entries in found.items() if k.startswith("booking:") for e in entries]
    later = {key("appointment", a): _everything for a in _all(booked, "appointment")}
    for lot in lots:
        dispensed = [e for s in sessions for e in found.get(key("dispensed", f"{s}/{lot}"), [])]
        _supply(picked, lot, [*_all(given, "site"), *_all(dispensed, "from")], later)
    return causal_order(picked.entries.values())


def _supply(picked: _Picked, lot: str, locations: list[str], riders: dict[str, Keep]) -> None:
    """Walk up the supply tree, one read per level: every arrival of ``lot`` at the locations, then the
    shipments and plans that brought it and the arrivals where it came from (``riders`` join the first read)."""
    seen: set[str] = set()
    lot_key = key("lot", lot)
    wanted: dict[str, Keep] = dict(riders)
    frontier = list(dict.fromkeys(locations))
    while frontier or wanted:
        seen.update(frontier)
        wanted.update({key("inflow", f"{lot}@{x}"): _everything for x in frontier})
        found = picked.follow(wanted)
        arrivals = [e for k, entries in found.items() if k.startswith("inflow:") for e in entries]
        wanted = {key("shipment", sh): lambda e: e.name not in LEDGER_LINES or lot_key in e.keys
                  for sh in _all(arrivals, "shipment")}
        for plan in _all(arrivals, "plan"):
            lines = {k for e in arrivals for k in e.keys if k.startswith(f"line:{plan}/")}
            wanted[key("plan", plan)] = lambda e, lines=lines: e.name in PLAN_LEVEL or bool(lines & set(e.keys))
        frontier = [x for x in _all(arrivals, "from") if x not in seen]


def person_trail(by_keys: ByKeys, person_id: str) -> list[Entry]:
    entries = by_keys([key("person", person_id)]).get(key("person", person_id), [])
    if not entries:
        raise UnknownSubject(f"no event names person {person_id!r}")
    return causal_order(entries)


def certificate_trail(by_keys: ByKeys, certificate_id: str) -> list[Entry]:
    picked = _Picked(by_keys)
    mine = key("certificate", certificate_id)
    own = picked.follow({mine: _everything})[mine]
    if not own:
        raise UnknownSubject(f"no event names certificate {certificate_id!r}")
    picked.follow({key("dose", d): lambda e: e.name in DOSE_RECORD for d in _all(_named(own, "CertificateIssued"), "dose")})
    return causal_order(picked.entries.values())


def lot_trail(by_keys: ByKeys, lot_id: str) -> list[Entry]:
    """Everywhere the lot went (receipts, movements, dispensations, vials, AEFIs), its own life and every
    dose given from it."""
    picked = _Picked(by_keys)
    picked.follow({key(kind, lot_id): _everything for kind in ("lotstatus", "lot", "lotdose")})
    if not picked.entries:
        raise UnknownSubject(f"no event names lot {lot_id!r}")
    return causal_order(picked.entries.values())


def causal_order(entries: Iterable[Entry]) -> list[Entry]:
    """Each service's events in log order, the logs merged by recorded time.

    Within a log, position order is commit order (the store hands out positions under a lock). Across logs
    an event that reacted to another was recorded after it, so recorded time orders them; business times do
    not (a dose can be recorded with a time before the session it belongs to was planned).
    """
    by_service: dict[str, list[Entry]] = {}
    for e in entries:
        by_service.setdefault(e.service, []).append(e)
    runs = [sorted(run, key=lambda e: e.position) for run in by_service.values()]
    return list(heapq.merge(*runs, key=lambda e: (e.recorded_at, e.service, e.position)))
