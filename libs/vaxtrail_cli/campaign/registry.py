"""People through registration's and immunization's public APIs: self-registration in the citizen's app, the
province's approval and district assignment (or, for a walk-in, registration on the spot at the site and
approval under the site's standing delegation), and the check-in pass the app shows at the session.

Each person registers under their own citizen account (``POST /v1/persons``, channel APP) and the answer
names the person id, so a run knows exactly which people it created - on a live stack whose approval
queue also holds other people, the driver approves only its own. Steps run on a thread pool: registration
is a setup cost, not what a load run measures.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

from vaxtrail_cli.campaign.actors import Actors
from vaxtrail_cli.campaign.client import Api
from vaxtrail_cli.campaign.people import Person
from vaxtrail_cli.campaign.polling import refused_for, retry_while
from vaxtrail_cli.campaign.supply import WAIT, key

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class Registered:
    """A person the run registered, approved and assigned (and the pass their app shows for a session)."""

    person_id: str
    national_id: str
    qr_token: str = ""
    presence_code: str = ""


def parallel(work: Callable[[T], R], items: Sequence[T], threads: int = 8) -> list[R]:
    with ThreadPoolExecutor(max_workers=max(1, min(threads, len(items) or 1)),
                            thread_name_prefix="campaign") as pool:
        return list(pool.map(work, items))


def register(api: Api, actors: Actors, person: Person, account: str) -> Registered:
    """The citizen registers themself in the app; returns the person id registration chose."""
    body = {"national_id_kind": "CITIZEN_ID", "national_id": person.national_id, "full_name": person.full_name,
            "date_of_birth": person.date_of_birth.isoformat(), "sex": person.sex,
            "phone": person.row()["phone"], "channel": "APP",
            "address": {"province_code": person.province_code, "district_code": person.district_code,
                        "commune_code": "", "address_line": "12 Lê Lợi"}}
    answer = api.post("registration", "/v1/persons", body, actors.new_citizen(account) | key("register", account))
    return Registered(answer.expect(201, 200, what=f"registration of {person.national_id}")["person_id"],
                      person.national_id)


def walk_in(api: Api, actors: Actors, person: Person, site_id: str, session_id: str) -> Registered:
    """Someone not registered turns up at the site: its vaccinator registers them on the spot (naming the site)
    and approves them under the site's standing delegation for the session (which assigns them to the site's
    district centre). The approval is sent again while registration has not yet learned the session."""
    vaccinator = actors.vaccinator(site_id)
    body = {"national_id_kind": "CITIZEN_ID", "national_id": person.national_id, "full_name": person.full_name,
            "date_of_birth": person.date_of_birth.isoformat(), "sex": person.sex, "phone": person.row()["phone"],
            "channel": "ON_SITE", "site_id": site_id,
            "address": {"province_code": person.province_code, "district_code": person.district_code,
                        "commune_code": "", "address_line": "12 Lê Lợi"}}
    person_id = api.post("registration", "/v1/persons", body, vaccinator | key("walk-in", person.national_id)).expect(
        201, 200, what=f"walk-in registration of {person.national_id}")["person_id"]
    retry_while(lambda: api.post("registration", f"/v1/persons/{person_id}/walk-in-approval",
                                 {"session_id": session_id, "reason": "walk-in"},
                                 vaccinator | key("walk-in-approval", person_id),
                                 route="POST /v1/persons/{person_id}/walk-in-approval"),
                refused_for("walk-in-delegation", "session_id"), timeout=WAIT,
                what=f"registration to know session {session_id}").expect(201, 200,
                                                                          what=f"walk-in approval of {person_id}")
    return Registered(person_id, person.national_id)


def approve_and_assign(api: Api, actors: Actors, person_id: str, province: str, centre: str) -> None:
    """The province approves the person and assigns them to a district health centre. The assignment is sent
    again while registration has not yet learned the centre from inventory's topic."""
    officer = actors.province(province)
    api.post("registration", f"/v1/persons/{person_id}/approval", {}, officer | key("approve", person_id),
             route="POST /v1/persons/{person_id}/approval").expect(201, 200, what=f"approval of {person_id}")
    retry_while(lambda: api.post("registration", f"/v1/persons/{person_id}/district-assignment",
                                 {"district_health_centre_id": centre}, officer | key("assign", person_id),
                                 route="POST /v1/persons/{person_id}/district-assignment"),
                refused_for("district-centre"), timeout=WAIT, what=f"registration to know centre {centre}").expect(
        201, 200, what=f"district assignment of {person_id}")


def check_in_pass(api: Api, actors: Actors, person: Registered, session_id: str) -> Registered:
    """The QR token and one-time presence code the person's app shows for the session; fetched again while
    immunization has not yet learned the session plan from allocation's topic (404)."""
    answer = retry_while(lambda: api.get("immunization", f"/v1/persons/{person.person_id}/check-in-pass",
                                         actors.citizen(person.person_id), params={"session_id": session_id},
                                         route="GET /v1/persons/{person_id}/check-in-pass"),
                         lambda r: r.status == 404, timeout=WAIT,
                         what=f"immunization to know session {session_id}").expect(200, what="check-in pass")
    return Registered(person.person_id, person.national_id, answer["qr_token"], answer["presence_code"])


def enrol(api: Api, actors: Actors, people: Sequence[Person], *, run: str, centre: str, threads: int = 8,
          walk_ins: Mapping[int, tuple[str, str]] | None = None) -> list[Registered]:
    """Register, approve and assign every person (accounts ``<run>-<n>``); the people at the indexes of
    ``walk_ins`` (index -> site, session) walk in at that site instead (:func:`walk_in`)."""
    def one(indexed: tuple[int, Person]) -> Registered:
        n, person = indexed
        if walk_ins and n in walk_ins:
            return walk_in(api, actors, person, *walk_ins[n])
        registered = register(api, actors, person, f"citizen-{run}-{n}")
        approve_and_assign(api, actors, registered.person_id, person.province_code, centre)
        return registered
    return parallel(one, list(enumerate(people)), threads)
