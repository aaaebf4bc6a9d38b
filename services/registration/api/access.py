"""Who may touch a person.

A person's scope path is ``national`` -> ``province:<p>`` -> ``district:<d>`` (also written
``district:<p>-<d>``) -> ``site:<site of the appointment>`` (and ``site:<site>`` that registered a walk-in),
from the address and, once assigned, the district health centre. A citizen acts on a person when the token
carries ``person:<id>`` or the person belongs to the citizen's account (self and family registered from it).

A refusal names the rule (``scope``) and the field, never the person's province, district or site: the
message is this module's own, not :meth:`~eventkit.auth.Principal.require_scope`'s (which lists the path).
Staff reads of personal data are audited with :mod:`eventkit.access`.
"""

from __future__ import annotations

from collections.abc import Sequence

from eventkit.aggregates import EventSourcing
from eventkit.auth import Forbidden, Principal
from eventkit.identity import same_actor
from services.registration.domain.person import Person
from services.registration.handlers import PERSON
from services.registration.handlers.base import registered

STAFF_READERS = ("national_admin", "province_officer", "district_officer", "site_manager", "vaccinator")


def person_of(es: EventSourcing, person_id: str, field: str = "person_id") -> Person:
    """The registered person (404 otherwise; 422 ``aggregate-kind`` for an id of another kind of stream)."""
    return registered(es.load(PERSON, person_id, field=field)[0], person_id, field)


def scope_path(state: Person) -> list[str]:
    address = state.details.address
    path = ["national", f"province:{address.province_code}"]
    districts = {address.district_code} | ({state.district.district_code} if state.district else set())
    for district in sorted(d for d in districts if d):
        path += [f"district:{district}", f"district:{address.province_code}-{district}"]
    if state.details.site_id:  # registered on the spot there (a walk-in)
        path.append(f"site:{state.details.site_id}")
    if state.appointment is not None:
        path.append(f"site:{state.appointment.site_id}")
    return path


def province_path(province_code: str) -> list[str]:
    return ["national", f"province:{province_code}"]


def citizen_owns(principal: Principal, state: Person) -> bool:
    return f"person:{state.person_id}" in principal.scopes or (
        same_actor(state.details.account_id, principal.actor_id))


def require(principal: Principal, path: Sequence[str], *, field: str, target: str = "this person") -> None:
    """403 ``scope`` unless one of the caller's scopes lies on ``path``; the message does not recite the path."""
    if not principal.covers(path):
        raise Forbidden(f"{principal.role} {principal.actor_id} has no scope covering {target}", field=field,
                        rule="scope")


def authorize(principal: Principal, state: Person, field: str = "person_id", *, also: Sequence[str] = ()) -> None:
    """403 unless the caller may act on this person (citizen: own record; staff: scope, or one of ``also``)."""
    if principal.role == "citizen":
        if not citizen_owns(principal, state):
            raise Forbidden(f"citizen {principal.actor_id} may only act on their own or their family's record",
                            field=field, rule="scope")
        return
    require(principal, [*scope_path(state), *also], field=field)


def require_province_officer(principal: Principal, state: Person) -> None:
    """Approval decisions: a province_officer whose scope is exactly the person's province."""
    require(principal, [f"province:{state.province_code}"], field="person_id",
            target="this person's province (approvals need the province's own scope)")
