"""FHIR R4 resources of the immunization record (pure): a dose -> ``Immunization``, a next dose ->
``ImmunizationRecommendation``, with the WHO DDCC:VS elements (the table in docs/fhir.md).

Codes come from the code systems the certificate service already uses, as the value sets give their
systems (:mod:`eventkit.valuesets`, :mod:`eventkit.product_codes`): the EU DCC vaccine/prophylaxis (SNOMED CT
or ATC), medicinal product and marketing-authorisation-holder value sets, CVX, SNOMED CT for the disease
targeted, LOINC for the next-dose dates, HL7's own code systems. The DDCC extensions are the WHO DDCC IG's
(canonical http://smart.who.int/ddcc). A person appears only as ``Patient/<person id>``: names, birth date,
sex and national ID are registration's (``GET /fhir/Patient/<id>`` there).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from eventkit import valuesets
from eventkit.product_codes import ProductCodes, resolve
from services.immunization.domain.record import Recommendation

DDCC = "http://smart.who.int/ddcc/StructureDefinition/"
CVX = "http://hl7.org/fhir/sid/cvx"
LOINC = "http://loinc.org"
URI = "urn:ietf:rfc:3986"
COVID_19 = "840539006"  # the EU disease-agent-targeted value set's one code (SNOMED CT)
PERFORMER_FUNCTION = {"system": "http://terminology.hl7.org/CodeSystem/v2-0443", "code": "AP",
                      "display": "Administering Provider"}
FORECAST_DUE = {"system": "http://terminology.hl7.org/CodeSystem/immunization-recommendation-status",
                "code": "due", "display": "Due"}
DATE_CRITERIA = (("earliest_date", "30981-5", "Earliest date to give"), ("due_date", "30980-7", "Date vaccine due"),
                 ("latest_date", "59777-3", "Latest date to give immunization"))


@dataclass(frozen=True)
class DoseFacts:
    """One row of the dose read model, with what the reference read models add (site name, series doses)."""

    dose_id: str
    event_id: str
    person_id: str
    vaccine_code: str
    series: str
    dose_number: int
    administered_date: date
    administered_at: datetime | None  # None for a historical dose (a day is all that was documented)
    lot_number: str
    site_id: str
    site_name: str
    performer_id: str
    historical: bool
    country: str  # ISO 3166-1 alpha-2, as recorded; doses given here: the campaign's country
    entered_in_error: bool
    series_doses: int = 0  # the presentation's; 0: the product table's


@dataclass(frozen=True)
class NextDoseFacts:
    person_id: str
    next: Recommendation
    as_of: date  # the recommendation's date: the latest dose's day (what it was computed as of)
    supporting_event_ids: tuple[str, ...]  # the valid doses it follows from


def _coding(field: str, code: str, display: str) -> dict[str, str]:
    """The value set's coding of ``code``; a product the value sets do not hold keeps its name as text."""
    return valuesets.coding(field, code) or {"display": display}


def disease_targeted() -> dict:
    return {"coding": [_coding("tg", COVID_19, "COVID-19")]}


def vaccine_code(codes: ProductCodes) -> dict:
    vp = valuesets.coding("vp", codes.vp)
    return {"coding": [*([vp] if vp else []), {"system": CVX, "code": codes.cvx}], "text": codes.display}


def patient_reference(person_id: str) -> dict:
    return {"reference": f"Patient/{person_id}"}


def immunization(dose: DoseFacts) -> dict:
    """The dose as an R4 ``Immunization`` whose id is the recording event's id (always a valid FHIR id)."""
    codes = resolve(dose.vaccine_code, series_doses=dose.series_doses)
    ma = _coding("ma", codes.ma, codes.ma)
    resource: dict = {
        "resourceType": "Immunization",
        "id": dose.event_id,
        "extension": [
            {"url": DDCC + "DDCCVaccineBrand", "valueCoding": _coding("mp", codes.mp, codes.display)},
            {"url": DDCC + "DDCCVaccineMarketAuthorization", "valueCoding": ma},
            {"url": DDCC + "DDCCCountryOfVaccination", "valueCode": dose.country},
        ],
        "identifier": [{"system": URI, "value": f"urn:uuid:{dose.event_id}"}, {"value": dose.dose_id}],
        "status": "entered-in-error" if dose.entered_in_error else "completed",
        "vaccineCode": vaccine_code(codes),
        "patient": patient_reference(dose.person_id),
        "occurrenceDateTime": (dose.administered_at.isoformat() if dose.administered_at is not None
                               else dose.administered_date.isoformat()),
        "primarySource": not dose.historical,
        "manufacturer": {**({"identifier": {"system": ma["system"], "value": ma["code"]}} if "code" in ma else {}),
                         "display": ma.get("display", codes.ma)},
        "protocolApplied": [{"series": dose.series, "targetDisease": [disease_targeted()],
                             "doseNumberPositiveInt": dose.dose_number,
                             "seriesDosesPositiveInt": codes.series_doses}],
    }
    if dose.lot_number:
        resource["lotNumber"] = dose.lot_number
    if dose.site_id:
        resource["location"] = {"identifier": {"value": dose.site_id}, "display": dose.site_name or dose.site_id}
    else:
        resource["location"] = {"display": f"documented vaccination abroad or elsewhere ({dose.country})"}
    if dose.performer_id:
        resource["performer"] = [{"function": {"coding": [PERFORMER_FUNCTION]},
                                  "actor": {"identifier": {"value": dose.performer_id}}}]
    return resource


def recommendation(next_dose: NextDoseFacts) -> dict:
    """The next dose as an R4 ``ImmunizationRecommendation`` (DDCC:VS's next vaccination date: LOINC 30980-7)."""
    found = next_dose.next
    products = [resolve(p) for p in found.allowed_products]
    criteria = [{"code": {"coding": [{"system": LOINC, "code": code, "display": display}]},
                 "value": getattr(found, name).isoformat()}
                for name, code, display in DATE_CRITERIA if getattr(found, name) is not None]
    item: dict = {"targetDisease": disease_targeted(), "forecastStatus": {"coding": [FORECAST_DUE]},
                  "dateCriterion": criteria, "series": found.series, "doseNumberPositiveInt": found.dose_number}
    if products:
        item["vaccineCode"] = [vaccine_code(codes) for codes in products]
    if next_dose.supporting_event_ids:
        item["supportingImmunization"] = [{"reference": f"Immunization/{event_id}"}
                                          for event_id in next_dose.supporting_event_ids]
    return {"resourceType": "ImmunizationRecommendation", "id": f"next-{next_dose.person_id}",
            "patient": patient_reference(next_dose.person_id), "date": next_dose.as_of.isoformat(),
            "recommendation": [item]}
