"""Exact counts across services after a run: nothing lost, nothing doubled.

Per site (every site is the run's own, so a site's figures are the run's): the doses the lanes saw
accepted equal immunization's dose report, its day sheet (vaccinated, observed, doses drawn), allocation's
doses given and inventory's site usage; the vials opened equal the day sheet's and the stock inventory
booked out of the site (dispensed - 10 x vials); open-vial wastage agrees between immunization and
inventory. Per person (each vaccinated person, or a sample): registration's citizen record holds one dose
and the same certificates as the certificate service's record, which holds one dose and one current
EU DCC whose level is PARTIAL (one AstraZeneca dose of two).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from vaxtrail_cli.campaign.actors import Actors
from vaxtrail_cli.campaign.client import Api
from vaxtrail_cli.campaign.registry import parallel
from vaxtrail_cli.campaign.supply import DOSES_PER_VIAL


@dataclass
class Tally:
    compared: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def same(self, what: str, expected: Any, found: Any) -> None:
        self.compared.append(what)
        if expected != found:
            self.problems.append(f"{what}: expected {expected}, found {found}")

    def result(self) -> dict[str, Any]:
        return {"ok": not self.problems, "compared": self.compared, "problems": self.problems}


@dataclass(frozen=True)
class SiteRun:
    site_id: str
    session_id: str
    dispensed: int
    doses: int
    vials: int


def check_sites(api: Api, actors: Actors, sites: Sequence[SiteRun], lot_id: str, window: tuple[str, str],
                tally: Tally) -> None:
    for s in sites:
        manager = actors.site_manager(s.site_id)
        sheet = api.get("immunization", f"/v1/sessions/{s.session_id}/day-sheet", manager,
                        route="GET /v1/sessions/{session_id}/day-sheet").expect(200, what="day sheet")
        totals = sheet["totals"]
        for name, expected in (("vaccinated", s.doses), ("observed", s.doses), ("doses_drawn", s.doses),
                               ("doses_opened", s.vials * DOSES_PER_VIAL)):
            tally.same(f"{s.site_id} immunization day sheet {name}", expected, totals[name])
        tally.same(f"{s.site_id} session status", "CLOSED", sheet.get("status"))
        report = api.get("immunization", "/v1/reports/doses", manager, route="GET /v1/reports/doses", params={
            "level": "site", "code": s.site_id, "date_from": window[0], "date_to": window[1]}).expect(200)
        tally.same(f"{s.site_id} immunization dose report", s.doses, sum(r["doses"] for r in report["items"]))
        given = api.get("allocation", "/v1/doses-given", actors.analyst(), params={"site_id": s.site_id}).expect(200)
        tally.same(f"{s.site_id} allocation doses given", s.doses, given["doses"])
        usage = api.get("inventory", "/v1/wastage", manager, params={"location_id": s.site_id}).expect(200)
        tally.same(f"{s.site_id} inventory doses administered", s.doses, usage["doses_administered"])
        tally.same(f"{s.site_id} open-vial wastage (inventory vs immunization)", totals["open_vial_wastage"],
                   usage["open_vial_wastage_doses"])
        stock = api.get("inventory", "/v1/stock", manager, params={"location_id": s.site_id, "lot_id": lot_id}).expect(200)
        tally.same(f"{s.site_id} inventory stock on hand", s.dispensed - s.vials * DOSES_PER_VIAL,
                   sum(row["doses"] for row in stock["items"]))


def check_people(api: Api, actors: Actors, people: Sequence[str], tally: Tally, threads: int = 8) -> None:
    def one(person: str) -> list[tuple[str, Any, Any]]:
        citizen = actors.citizen(person)
        registration = api.get("registration", f"/v1/persons/{person}", citizen,
                               route="GET /v1/persons/{person_id}").expect(200, what="citizen record")
        record = api.get("certificate", f"/v1/persons/{person}/record", citizen,
                         route="GET /v1/persons/{person_id}/record").expect(200, what="certificate record")
        dcc = record.get("current", {}).get("EU_DCC_HC1") or {}
        issued = sorted(c["certificate_id"] for c in record["certificates"])
        listed = sorted(c["certificate_id"] for c in registration["certificates"])
        return [(f"{person} registration doses", 1, len(registration["doses"])),
                (f"{person} certificate doses", 1, len(record["doses"])),
                (f"{person} current EU DCC level", "PARTIAL", dcc.get("level")),
                (f"{person} certificates (registration vs certificate)", issued, listed)]

    for rows in parallel(one, list(people), threads):
        for what, expected, found in rows:
            tally.same(what, expected, found)
