"""``registration_reference``: the people of the registration topic, as much as immunization decisions need.

For a person: approval, district assignment, date of birth (age eligibility, INV-24) and a keyed hash of the
identity document (ID-document check-in) — never names, phones or addresses. Handlers tolerate facts
arriving in any order.
"""

from __future__ import annotations

from eventkit.projections import Projection
from eventkit.readmodels import declare
from services.immunization.projections.common import day, document_hash, service_secret
from vaxtrail.registration.v1 import events_pb2 as registration


def _person(conn, person_id: str, **columns) -> None:
    names = list(columns)
    conn.execute(
        f"INSERT INTO ref_person (person_id, {', '.join(names)}) VALUES (%s, {', '.join(['%s'] * len(names))})"
        f" ON CONFLICT (person_id) DO UPDATE SET {', '.join(f'{n} = excluded.{n}' for n in names)}",
        (person_id, *columns.values()),
    )


def person_registered(conn, event, m: registration.PersonRegistered) -> None:
    _person(conn, m.person_id, date_of_birth=day(m.date_of_birth),
            id_document_hash=document_hash(service_secret(conn), m.national_id_kind, m.national_id))


def person_details_corrected(conn, event, m: registration.PersonDetailsCorrected) -> None:
    for change in m.changes:
        if change.field == "date_of_birth":
            _person(conn, m.person_id, date_of_birth=day(change.new_value))


def registration_approved(conn, event, m: registration.RegistrationApproved) -> None:
    _person(conn, m.person_id, approved=True, rejected=False)


def registration_rejected(conn, event, m: registration.RegistrationRejected) -> None:
    _person(conn, m.person_id, approved=False, rejected=True)


def person_assigned(conn, event, m: registration.PersonAssignedToDistrict) -> None:
    _person(conn, m.person_id, district_health_centre_id=m.district_health_centre_id)


def persons_merged(conn, event, m: registration.PersonsMerged) -> None:
    _person(conn, m.merged_person_id, merged_into=m.surviving_person_id, approved=False)


def registration_reference() -> Projection:
    return declare("registration_reference", {
        registration.PersonRegistered: person_registered,
        registration.PersonDetailsCorrected: person_details_corrected,
        registration.RegistrationApproved: registration_approved,
        registration.RegistrationRejected: registration_rejected,
        registration.PersonAssignedToDistrict: person_assigned,
        registration.PersonsMerged: persons_merged,
    }, tables=("ref_person",))
