"""Who may touch a person, and the audit of staff reads (``PersonalDataAccessed``).

A person's scope path is ``national`` -> ``province:<p>`` -> ``district:<d>`` (also written
``district:<p>-<d>``) -> ``site:<site of the appointment>``, from the address and, once assigned, the district
health centre. A citizen acts on a person when the token carries ``person:<id>`` or the person belongs to the
citizen's account (self and family registered from it).
"""

from __future__ import annotations

from flask import request

from eventkit.auth import Forbidden, Principal
from eventkit.errors import VaxTrailError
from services.registration.domain import events as ev
from services.registration.domain.person import Person

PURPOSES = ("CARE", "CERTIFICATE_CHECK", "SUPPORT", "INVESTIGATION", "ADMINISTRATION")
STAFF_READERS = ("national_admin", "province_officer", "district_officer", "site_manager", "vaccinator")


class PurposeRequired(VaxTrailError):
    status = 400
    title = "A purpose is required to read personal data"


def scope_path(state: Person) -> list[str]:
    address = state.details.address
    path = ["national", f"province:{address.province_code}"]
    districts = {address.district_code} | ({state.district.district_code} if state.district else set())
    for district in sorted(d for d in districts if d):
        path += [f"district:{district}", f"district:{address.province_code}-{district}"]
    if state.appointment is not None:
        path.append(f"site:{state.appointment.site_id}")
    return path


def province_path(province_code: str) -> list[str]:
    return ["national", f"province:{province_code}"]


def citizen_owns(principal: Principal, state: Person) -> bool:
    return f"person:{state.person_id}" in principal.scopes or (
        bool(state.details.account_id) and state.details.account_id == principal.actor_id)


def authorize(principal: Principal, state: Person, field: str = "person_id") -> None:
    """403 unless the caller may act on this person (citizen: own record; staff: scope)."""
    if principal.role == "citizen":
        if not citizen_owns(principal, state):
            raise Forbidden(f"citizen {principal.actor_id} may only act on their own or their family's record",
                            field=field, rule="scope")
        return
    principal.require_scope(scope_path(state), field=field)


def purpose() -> str:
    value = (request.headers.get("X-Purpose") or request.args.get("purpose") or "").strip().upper()
    if value not in PURPOSES:
        raise PurposeRequired(f"staff reads of personal data declare a purpose (X-Purpose header or ?purpose=): "
                              f"one of {', '.join(PURPOSES)}", field="X-Purpose", rule="purpose")
    return value


def access_record(principal: Principal, state: Person, declared: str) -> ev.PersonalDataAccessed:
    endpoint = f"{request.method} {request.url_rule.rule.replace('<person_id>', '{person_id}')}"
    return ev.PersonalDataAccessed(principal.actor_id, principal.role, declared, state.person_id, endpoint)
