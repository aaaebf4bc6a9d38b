"""A registered person as a FHIR R4 ``Patient`` (pure): the WHO DDCC:VS person elements, nothing more.

Name (``name.text``: the full name as registered, as DDCC:VS maps it), date of birth, sex (``gender``) and
the identity document (``identifier``, its kind coded with HL7 v2 table 0203: ``NI`` national identifier,
``PPN`` passport number). Phone, address, occupation and nationality are not served: exchange partners need
the certificate's person elements only. A merged duplicate is ``active: false`` with a ``replaced-by`` link
to the surviving record. The resource id is the person id, which immunization's ``Immunization.patient``
references (docs/fhir.md).
"""

from __future__ import annotations

from services.registration.domain.person import Person

IDENTIFIER_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0203"
_DOCUMENT_TYPES = {"CITIZEN_ID": ("NI", "National unique individual identifier"),
                   "LEGACY_ID_CARD": ("NI", "National unique individual identifier"),
                   "PASSPORT": ("PPN", "Passport number")}
_GENDER = {"MALE": "male", "FEMALE": "female", "OTHER": "other", "UNKNOWN": "unknown"}


def patient(person: Person) -> dict:
    details = person.details
    code = _DOCUMENT_TYPES.get(details.national_id_kind)
    document_type = ({"coding": [{"system": IDENTIFIER_TYPE, "code": code[0], "display": code[1]}],
                      "text": details.national_id_kind} if code else {"text": details.national_id_kind})
    resource = {
        "resourceType": "Patient",
        "id": person.person_id,
        "identifier": [{"use": "official", "type": document_type, "value": details.national_id}],
        "active": not person.merged_into,
        "name": [{"use": "official", "text": details.full_name}],
        "gender": _GENDER.get(details.sex, "unknown"),
        "birthDate": details.date_of_birth.isoformat(),
    }
    if person.merged_into:
        resource["link"] = [{"other": {"reference": f"Patient/{person.merged_into}"}, "type": "replaced-by"}]
    return resource
