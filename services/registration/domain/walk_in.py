"""Walk-ins: a person registered on the spot at a vaccination site is approved there, under the province's
standing delegation to its sites, and checked in within the same visit.

The delegation is narrow, so the province can see and trust what was done in its name:

- only a registration made at the site (channel ``ON_SITE``, ``site_id`` the session's site) and approved on
  the campaign day it was made (one visit); the session names the site and its district centre, and the
  check-in that follows needs the session open at immunization (the session's planned date is not compared:
  a session is opened and run on the day, whatever was planned, and clients that back-date their clocks, as
  the browser tests do, would otherwise fall on another day);
- only a pending registration of a resident of the province of the site's district health centre (the province
  that delegated; anyone else waits for their own province);
- the approval names the rule (:data:`SITE_WALK_IN_DELEGATION`), the approver (the site's vaccinator or site
  manager, checked against the session's site by the API), the site and the session; the person is assigned
  to the site's district health centre in the same append (``allocation_wave`` :data:`WALK_IN_WAVE`), so
  immunization's check-in finds an approved, assigned person.

Pure: the session and the centre come from registration's read models (allocation's SessionPlanned, inventory's
district stores) through the handler.
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from eventkit.clock import CAMPAIGN_ZONE, campaign_date
from eventkit.errors import DomainError
from services.registration.domain import events as ev
from services.registration.domain.appointments import PlannedSession
from services.registration.domain.person import PENDING, DistrictCentre, Person, require_active

SITE_WALK_IN_DELEGATION = "SITE_WALK_IN_DELEGATION"
WALK_IN_WAVE = "WALK_IN"
RULE = "walk-in-delegation"


def approve_walk_in(state: Person, session: PlannedSession | None, centre: DistrictCentre | None,
                    approver_id: str, reason: str, *, now: datetime, zone: tzinfo = CAMPAIGN_ZONE) -> list[object]:
    """``RegistrationApproved`` naming the delegation, then ``PersonAssignedToDistrict`` to the site's centre."""
    require_active(state)
    if session is None:
        raise DomainError("no planned session with this id is known to registration", field="session_id", rule=RULE)
    if state.status != PENDING:
        raise DomainError(f"the registration was already decided ({state.status})", field="person_id",
                          rule="approval-state")
    details = state.details
    if details.channel != "ON_SITE" or details.site_id != session.site_id:
        raise DomainError(f"only a person registered on the spot at {session.site_id} is approved under its "
                          "delegation; the province decides on the others", field="person_id", rule=RULE)
    registered_on = campaign_date(details.registered_at, zone)
    if campaign_date(now, zone) != registered_on:
        raise DomainError(f"a walk-in is approved in the visit they were registered in ({registered_on}); the "
                          "province decides later", field="person_id", rule=RULE)
    if centre is None or not centre.active or centre.location_id != session.district_health_centre_id:
        raise DomainError(f"the session's district health centre {session.district_health_centre_id} is not known "
                          "(or not active)", field="session_id", rule=RULE)
    if centre.province_code != state.province_code:
        raise DomainError(f"the site's delegation comes from province {centre.province_code}; a resident of another "
                          "province is approved by their own province", field="person_id", rule=RULE)
    approved = ev.RegistrationApproved(state.person_id, approver_id, state.province_code, reason.strip(), now,
                                       SITE_WALK_IN_DELEGATION, session.site_id, session.session_id)
    assigned = ev.PersonAssignedToDistrict(state.person_id, centre.location_id, WALK_IN_WAVE, centre.province_code,
                                           centre.district_code, now, centre.source_event_id)
    return [approved, assigned]

