"""Handlers for the workflow after registration: priority groups, the province's decision, the district.

Each decides on the person's stream alone; the person's version guards the append (INV-37).
"""

from __future__ import annotations

from eventkit.aggregates import Reply, Transaction
from services.registration.domain import person, walk_in
from services.registration.domain.commands import (
    ApproveRegistration,
    ApproveWalkIn,
    AssignDistrict,
    AssignPriorityGroup,
    RejectRegistration,
    RevokePriorityGroup,
)
from services.registration.handlers.base import PERSON, Deps, load_person, person_reply


def assign_priority_group(tx: Transaction, command: AssignPriorityGroup, deps: Deps) -> Reply:
    now = deps.clock()
    assigned = person.decide_group(load_person(tx, command.person_id), command.group_code, command.catalogue_version,
                                   command.evidence, command.effective_date or deps.refs.today(now),
                                   deps.refs.catalogues, now=now, zone=deps.refs.zone)
    tx.append(PERSON, command.person_id, [assigned])
    return person_reply(command.person_id)


def revoke_priority_group(tx: Transaction, command: RevokePriorityGroup, deps: Deps) -> Reply:
    revoked = person.revoke_group(load_person(tx, command.person_id), command.group_code, command.catalogue_version,
                                  command.reason, command.evidence, now=deps.clock())
    tx.append(PERSON, command.person_id, [revoked])
    return person_reply(command.person_id)


def approve_registration(tx: Transaction, command: ApproveRegistration, deps: Deps) -> Reply:
    approved = person.approve(load_person(tx, command.person_id), tx.context.actor_id, command.reason,
                              now=deps.clock())
    tx.append(PERSON, command.person_id, [approved])
    return person_reply(command.person_id)


def approve_walk_in(tx: Transaction, command: ApproveWalkIn, deps: Deps) -> Reply:
    """The site's standing delegation: approval and district assignment in one append on the person's stream.
    The session and its centre come from the local read models (allocation's plans, inventory's stores)."""
    session = deps.planned_session(command.session_id)
    centre = deps.district_centre(session.district_health_centre_id) if session is not None else None
    decided = walk_in.approve_walk_in(load_person(tx, command.person_id), session, centre, tx.context.actor_id,
                                      command.reason, now=deps.clock(), zone=deps.refs.zone)
    tx.append(PERSON, command.person_id, decided)
    return person_reply(command.person_id)


def reject_registration(tx: Transaction, command: RejectRegistration, deps: Deps) -> Reply:
    rejected = person.reject(load_person(tx, command.person_id), tx.context.actor_id, command.reason,
                             now=deps.clock())
    tx.append(PERSON, command.person_id, [rejected])
    return person_reply(command.person_id)


def assign_district(tx: Transaction, command: AssignDistrict, deps: Deps) -> Reply:
    """The centre comes from the local read model of inventory's locations; the event records which fact."""
    centre = deps.district_centre(command.district_health_centre_id)
    assigned = person.assign_district(load_person(tx, command.person_id), centre, command.allocation_wave,
                                      now=deps.clock())
    tx.append(PERSON, command.person_id, [assigned])
    return person_reply(command.person_id)
