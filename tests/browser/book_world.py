"""What the e-health book's browser test stands on, set up over the public APIs as the site and the officers
would (the campaign driver's steps, :mod:`vaxtrail_cli.campaign.supply`): a lot of its own received at the
national store and carried down NAT-EPI -> CDC-79 -> DHC-760 -> a new site of district 760, two sessions
planned there (today and tomorrow: one to book, one to move to), today's stocked; then the province's
approval and the site's day for one person - open, vial, check-in with the person's pass, screening, dose.

Business times are the campaign clock's, hours back from now (the demo's order), so everything the browser
stamps later (its clock runs 6 h behind, tests/browser/world.py) - a reaction's onset - is after the dose.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from vaxtrail_cli.campaign import registry, supply
from vaxtrail_cli.campaign.actors import Actors, Clock
from vaxtrail_cli.campaign.client import Api
from vaxtrail_cli.campaign.polling import retry_while
from vaxtrail_cli.campaign.siteday import NORMAL_VITALS
from vaxtrail_cli.campaign.supply import key

PROVINCE, DISTRICT, CENTRE, CDC = "79", "760", "DHC-760", "CDC-79"
# The world's earlier doses in province 79 hold second-dose reserves at the national and province stores, which
# a plan cannot give as first doses (INV-18): the lot arrives with room for them above what goes down the tree.
RECEIVED, TO_PROVINCE = 220, 120


@dataclass
class Chain:
    api: Api
    actors: Actors
    run: str = field(default_factory=lambda: f"EHB{uuid.uuid4().hex[:5].upper()}")
    clock: Clock = field(default_factory=Clock)
    parent: str = ""
    """The family member the first test registers and has vaccinated (the second test reads it)."""

    @property
    def lot(self) -> str:
        return f"LOT-{self.run}"

    @property
    def site(self) -> str:
        return f"{self.run}-S1"

    @property
    def sessions(self) -> tuple[str, str]:
        return f"SES-{self.run}-1", f"SES-{self.run}-2"

    def supply_the_site(self) -> None:
        api, actors, clock, lot = self.api, self.actors, self.clock, self.lot
        supply.seed(api, actors)
        supply.register_lot(api, actors, clock, lot)
        supply.receive(api, actors, clock, lot, RECEIVED, hours_ago=12)
        supply.register_site(api, actors, clock, self.site, province=PROVINCE, district=DISTRICT,
                             district_store=CENTRE, tables=2)
        supply.wait_for_store(api, actors, supply.NATIONAL, {lot: RECEIVED}, recipients=[CDC])
        national = supply.release_plan(api, clock, {
            "plan_id": f"AP-NAT-{self.run}", "level": "NATIONAL", "source_location_id": supply.NATIONAL,
            "lot_ids": [lot], "lines": [{"recipient_unit_id": PROVINCE, "doses": TO_PROVINCE}]},
            writer=actors.national("anh"), approver=actors.national("binh"))
        [line] = national["lines"]
        supply.ship(api, clock, f"SHP-{self.run}-P", supply.NATIONAL, CDC, {lot: TO_PROVINCE}, 11.5, actors.national(),
                    actors.province(PROVINCE), plan_id=national["plan_id"], line_id=line["line_id"])
        supply.wait_for_store(api, actors, CDC, {lot: TO_PROVINCE}, recipients=[CENTRE])
        province = supply.release_plan(api, clock, {
            "plan_id": f"AP-79-{self.run}", "level": "PROVINCE", "province_code": PROVINCE, "lot_ids": [lot],
            "lines": [{"recipient_unit_id": DISTRICT, "doses": 20}]},
            writer=actors.province(PROVINCE, "lan"), approver=actors.province(PROVINCE, "minh"))
        [line] = province["lines"]
        supply.ship(api, clock, f"SHP-{self.run}-D", CDC, CENTRE, {lot: 20}, 11, actors.province(PROVINCE),
                    actors.district(DISTRICT), plan_id=province["plan_id"], line_id=line["line_id"])
        supply.wait_for_store(api, actors, CENTRE, {lot: 20})
        district = actors.district(DISTRICT)
        today, tomorrow = self.sessions
        supply.plan_session(api, district, clock, today, self.site, persons=10, tables=2, hours=10)
        supply.plan_session(api, district, clock, tomorrow, self.site, persons=10, tables=2, hours=10,
                            starts_in_minutes=24 * 60)
        supply.dispense(api, district, today, lot, 10)
        supply.ship(api, clock, f"SHP-{self.run}-S", CENTRE, self.site, {lot: 10}, 10.5, district,
                    actors.site_manager(self.site), session_id=today)

    def approve(self, person_id: str) -> None:
        registry.approve_and_assign(self.api, self.actors, person_id, PROVINCE, CENTRE)

    def vaccinate(self, person_id: str) -> dict:
        """The site's day for one person, up to the dose; returns the dose as immunization accepted it."""
        api, clock, sid = self.api, self.clock, self.sessions[0]
        manager, staff = self.actors.site_manager(self.site), self.actors.vaccinator(self.site)
        retry_while(lambda: api.post("immunization", f"/v1/sessions/{sid}/open", {"opened_at": clock.ago(hours=10)},
                                     manager | key("open", sid)), lambda r: r.status == 404, timeout=supply.WAIT,
                    what=f"immunization to know {sid}").expect(201, 200, what="open session")
        vial = f"VIAL-{self.run}"
        retry_while(lambda: api.post("immunization", f"/v1/sessions/{sid}/vials", {
            "vial_opening_id": vial, "lot_id": self.lot, "opened_at": clock.ago(hours=9, minutes=50)},
            staff | key(vial)), lambda r: r.rule == "INV-28", timeout=supply.WAIT,
            what=f"immunization to see {self.lot} at the site").expect(201, 200, what="open a vial")
        checked = registry.check_in_pass(api, self.actors, registry.Registered(person_id, ""), sid)
        visit = f"V-{self.run}"
        retry_while(lambda: api.post("immunization", f"/v1/sessions/{sid}/check-ins", {
            "visit_id": visit, "identity_method": "QR", "qr_token": checked.qr_token,
            "presence_code": checked.presence_code, "checked_in_at": clock.ago(hours=9, minutes=40)}, staff | key(visit)),
            lambda r: r.rule == "identity", timeout=supply.WAIT, what="immunization to know the person").expect(
            201, 200, what="check-in")
        screened = api.post("immunization", f"/v1/visits/{visit}/screening", {
            "vitals": NORMAL_VITALS, "screened_at": clock.ago(hours=9, minutes=30)},
            staff | key(visit, "screening")).expect(201, 200, what="screening")
        assert screened["outcome"] == "ELIGIBLE", screened
        return api.post("immunization", f"/v1/visits/{visit}/doses", {
            "dose_id": f"D-{self.run}", "vial_opening_id": vial, "series": "PRIMARY", "dose_number": 1,
            "administered_at": clock.ago(hours=9, minutes=20)}, staff | key(visit, "dose")).expect(201, 200,
                                                                                                 what="dose")
