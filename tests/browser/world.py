"""The world the browser tests act in: the running services and gateway, a 10-dose AstraZeneca lot received
at the national store, people registered by citizens in province 79, and what each step hands to the next.

Business time. The browser's clock runs :data:`OFFSET` (six to nine hours) behind the real one (Playwright's clock, installed in
every context), so whatever the app stamps - a dispatch, a check-in, a dose - lies in the past for the
services; an observation can then be completed 30 minutes after its dose by moving the browser's clock on,
without ever being in the future for the server (INV-8, INV-29). Setup done over the API uses the same
clock (:meth:`World.business`). The reads the steps wait on are the e2e campaign's (``tests/e2e``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.e2e.campaign import ICT, NATIONAL, PRESENTATION, Campaign, wait_rows
from tests.integration.registration_csv import FAMILY, GIVEN
from tests.integration.registration_support import person_body

from .harness import Gateway, Screens


def _offset(now: datetime) -> timedelta:
    """Six hours, or up to three more, so that the browser's campaign day does not end during the run: from 21:00
    (ICT, on the browser's clock) a session the district plans to start 30 minutes later falls on the next day
    and the site's list of today's sessions, read minutes later, does not have it. Fixed once per session."""
    base = timedelta(hours=6)
    hour = (now - base).astimezone(ICT).hour
    return base + timedelta(hours=hour - 20) if hour >= 21 else base


OFFSET = _offset(datetime.now(UTC))
TIMEOUT = 120.0
SESSION_PEOPLE = 6  # approved and assigned to DHC-760; a seventh is rejected


@dataclass
class World:
    campaign: Campaign
    gateway: Gateway
    workdir: Path
    screens: Screens = field(default_factory=Screens)
    rejected: str = ""
    national_ids: dict[str, str] = field(default_factory=dict)
    plan_id: str = ""
    done: set[str] = field(default_factory=set)

    @property
    def stack(self):
        return self.campaign.stack

    @property
    def camera(self) -> Path:
        """The video Chromium's fake camera plays (written before a scan: Chromium reads it at capture start)."""
        return self.workdir / "camera.y4m"

    @property
    def lot(self) -> str:
        return self.campaign.lot

    @property
    def people(self) -> list[str]:
        """The people approved and assigned to DHC-760 (the campaign's: its immunization waits use them)."""
        return self.campaign.people

    @property
    def session_id(self) -> str:
        return self.campaign.session_id

    @session_id.setter
    def session_id(self, value: str) -> None:
        self.campaign.session_id = value

    def clock(self) -> float:
        """Epoch seconds of the browser's clock now: install it in a new context with this."""
        return time.time() - OFFSET.total_seconds()

    def business(self, minutes: float = 0) -> str:
        """The browser's 'now' (plus ``minutes``) as a business time in Vietnam's zone."""
        moment = datetime.now(UTC) - OFFSET + timedelta(minutes=minutes)
        return moment.replace(microsecond=0).astimezone(ICT).isoformat()

    def require(self, step: str) -> None:
        import pytest

        if step not in self.done:
            pytest.skip(f"step {step} did not complete")

    # -- setup over the API -------------------------------------------------------------------------------

    def seed(self) -> None:
        """Reference data, a fresh lot with 1,000 doses at the national store, and 7 registered citizens."""
        c, stack = self.campaign, self.stack
        assert stack.post("inventory", "/v1/reference/seed", {"version": 1}, c.national()).status_code in (200, 201)
        c.lot = f"LOT-UI-{c.run}"
        self._created(stack.post("inventory", "/v1/lots", {
            "lot_id": c.lot, "lot_number": c.lot, "presentation_id": PRESENTATION, "presentation_version": 1,
            "manufacture_date": (c.now - timedelta(days=60)).date().isoformat(),
            "label_expiry_date": (c.now + timedelta(days=400)).date().isoformat(), "funding_source": "COVAX",
            "release_certificate_reference": f"NICVB-{c.run}"}, c.national()))
        self._created(stack.post("inventory", "/v1/receipts", {
            "location_id": NATIONAL, "lot_id": c.lot, "presentation_id": PRESENTATION, "doses": 1_000, "vials": 100,
            "source": "covax", "shipment_reference": f"COVAX-{c.run}", "received_at": self.business(-120)},
            c.national()))
        for i in range(SESSION_PEOPLE + 1):
            citizen = stack.headers("citizen", "person:none", sub=f"citizen-ui-{c.run}-{i}")
            body = person_body("79", "760", full_name=f"{FAMILY[i % 8]} {GIVEN[i % 8]}")
            person = self._created(stack.post("registration", "/v1/persons", body, citizen))["person_id"]
            self.people.append(person)
            self.national_ids[person] = body["national_id"]
        self.rejected = self.people.pop()

    def ship(self, shipment: str, sender: str, receiver: str, doses: int, *, plan: str = "", session: str = "",
             shipper: dict, signer: dict) -> None:
        """A dispatch and its proof of delivery, over the API, at the browser's time: after anything the app
        stamped before (the app's times are the browser's clock when a form was shown, never later)."""
        stack = self.stack
        self._created(stack.post("inventory", "/v1/shipments", {
            "shipment_id": shipment, "from_location_id": sender, "to_location_id": receiver,
            "lines": [{"lot_id": self.lot, "doses": doses}], "dispatched_at": self.business(),
            "allocation_plan_id": plan, "session_id": session}, shipper))
        self._created(stack.post("inventory", f"/v1/shipments/{shipment}/delivery", {
            "received_at": self.business(), "lines": [{"lot_id": self.lot, "accepted_doses": doses,
                                                         "vvm_stage": 1}]}, signer))

    def wait_for_release(self, plan_id: str) -> None:
        wait_rows(self.stack["inventory"], "SELECT count(*) FROM allocation_lines WHERE plan_id = %s"
                  " AND doses_released > 0", plan_id, expected=1, what=f"inventory to see plan {plan_id} released")

    def wait_for_dispensation(self, session_id: str) -> None:
        """A dispatch to the site cites the session: inventory must have read its dispensation (INV-17)."""
        wait_rows(self.stack["inventory"], "SELECT count(*) FROM session_dispensations WHERE session_id = %s",
                  session_id, expected=1, what=f"inventory to see the dispensation to {session_id}")

    def check_in_pass(self, person: str) -> dict:
        answer = self.stack.get("immunization", f"/v1/persons/{person}/check-in-pass", self.campaign.citizen(person),
                                session_id=self.session_id)
        assert answer.status_code == 200, answer.text
        return answer.json()

    @staticmethod
    def _created(response) -> dict:
        assert response.status_code == 201, f"{response.status_code} {response.text}"
        return response.json()
