"""FHIR R4 over the real services (docs/fhir.md): immunization's searchset Bundles and Bulk Data export,
registration's Patient - every resource served parsed by fhir.resources (R4B models, structurally R4 for these
resource types) and checked for the DDCC:VS elements; refusals are OperationOutcome resources, append nothing."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import psycopg
import pytest
import requests
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.immunization import Immunization
from fhir.resources.R4B.immunizationrecommendation import ImmunizationRecommendation
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.patient import Patient

from services.immunization.bootstrap import MIGRATIONS
from services.immunization.domain.fhir import DDCC
from tests.integration.service_procs import private_workdir
from vaxtrail.audit.v1 import events_pb2 as audit

from .immunization_world import at, checked_in_and_screened, hospital_day, start_immunization
from .kafka_helpers import wait_for
from .registration_support import bearer, person_body, start_registration, stop_registration

VALIDATOR = Path(__file__).resolve().parents[2] / "tools" / "fhir-validator"
SERVED: list[dict] = []  # every resource the tests below received, for the HL7 validator (the last test)
ACCESS = "vaxtrail.audit.v1.PersonalDataAccessed"
FHIR_JSON = "application/fhir+json"
DDCC_EXTENSIONS = {DDCC + name for name in ("DDCCVaccineBrand", "DDCCVaccineMarketAuthorization",
                                           "DDCCCountryOfVaccination")}


@pytest.fixture(scope="module")
def immunization(infra):
    yield from start_immunization(infra, private_workdir("immunization-fhir"), MIGRATIONS)


@pytest.fixture(scope="module")
def day(immunization, infra):
    """Person 1 given AstraZeneca dose 1 at the hospital; person 2 a historical Pfizer dose from France."""
    day = hospital_day(immunization, infra.kafka_bootstrap)
    api, world = day["api"], day["world"]
    visit = checked_in_and_screened(day, 1)
    given = api.post(f"/v1/visits/{visit}/doses", {"vial_opening_id": day["vial"], "series": "PRIMARY",
                                                   "dose_number": 1, "administered_at": at(9)}, day["staff"])
    assert given.status_code == 201, given.text
    historical = {"product": "208", "administered_date": "2021-07-02", "country": "FR",
                  "source": "FOREIGN_CERTIFICATE", "series": "PRIMARY", "dose_number": 1, "lot_number": "FF0680"}
    officer = api.headers("district_officer", "district:760")
    assert api.post(f"/v1/persons/{world.person(2)}/historical-doses", historical, officer).status_code == 201
    api.wait_rows("SELECT count(*) FROM dose_view WHERE person_id IN (%s, %s)", world.person(1), world.person(2),
                  expected=2, what="the doses")
    api.wait_rows("SELECT count(*) FROM next_dose_view WHERE person_id = %s", world.person(1), expected=1,
                  what="the next dose")
    return day


def fhir(api, path: str, headers: dict, **params) -> requests.Response:
    return requests.get(api.service.url(path), params=params, headers=headers, timeout=15)


def outcome(response: requests.Response) -> tuple[int, str, list[str] | None]:
    """(status, issue code, expression) of an OperationOutcome answer, parsed by fhir.resources."""
    assert response.headers["Content-Type"].startswith(FHIR_JSON), response.text
    SERVED.append(response.json())
    issue = OperationOutcome.model_validate(response.json()).issue[0]
    return response.status_code, issue.code, issue.expression


def accesses(service) -> list[tuple[str, str, str]]:
    with psycopg.connect(service.database_url) as conn:
        rows = conn.execute("SELECT payload FROM events WHERE event_type = %s ORDER BY position", (ACCESS,)).fetchall()
    return [(m.actor_id, m.subject_person_id, m.endpoint)
            for m in (audit.PersonalDataAccessed.FromString(row[0]) for row in rows)]


def searchset(response: requests.Response, resource_model) -> list:
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith(FHIR_JSON)
    SERVED.append(response.json())
    bundle = Bundle.model_validate(response.json())
    assert bundle.type == "searchset" and bundle.total == len(bundle.entry or [])
    assert [link.relation for link in bundle.link] == ["self"]
    entries = response.json().get("entry", [])
    resources = [resource_model.model_validate(entry["resource"]) for entry in entries]
    for entry, resource in zip(entries, resources, strict=True):
        assert entry["search"]["mode"] == "match"
        assert entry["fullUrl"].endswith(f"/fhir/{resource.get_resource_type()}/{resource.id}")
    return resources


def assert_ddcc_vaccination(dose: Immunization) -> None:
    """The DDCC:VS vaccination event elements (docs/fhir.md): vaccine, brand, MAH, country, manufacturer, lot,
    date, dose number, total doses, disease targeted, administering centre."""
    assert {e.url for e in dose.extension} == DDCC_EXTENSIONS
    assert dose.vaccineCode.coding and dose.manufacturer.display and dose.lotNumber and dose.occurrenceDateTime
    applied = dose.protocolApplied[0]
    assert applied.doseNumberPositiveInt == 1 and applied.seriesDosesPositiveInt == 2
    assert applied.targetDisease[0].coding[0].system == "http://snomed.info/sct"
    assert dose.location.display and dose.patient.reference.startswith("Patient/")


def test_a_patients_doses_are_a_searchset_of_ddcc_immunizations_filtered_by_fhir_date_prefixes(day):
    api, world = day["api"], day["world"]
    officer = api.headers("district_officer", "district:760", sub="officer-fhir", purpose="CARE")
    before = len(accesses(api.service))
    [dose] = searchset(fhir(api, "/fhir/Immunization", officer, patient=f"Patient/{world.person(1)}"), Immunization)
    assert_ddcc_vaccination(dose)
    assert dose.performer[0].actor.identifier.value and dose.location.display == "District hospital"
    assert [c.code for c in dose.vaccineCode.coding] == ["J07BX03", "210"] and dose.lotNumber == "ABV5300"

    for date, expected in ((["ge2021-08-21"], 1), (["lt2021-08-21"], 0), (["eq2021-08"], 1), (["2021-08-20"], 0),
                           (["ge2021-08-01", "le2021-08-31"], 1), (["sa2021-08-21"], 0), (["gt2021-08-21T01:00:00Z"], 1)):
        found = searchset(fhir(api, "/fhir/Immunization", officer, patient=world.person(1), date=date), Immunization)
        assert len(found) == expected, date

    [abroad] = searchset(fhir(api, "/fhir/Immunization", officer, patient=world.person(2), date="2021-07-02"),
                         Immunization)
    assert_ddcc_vaccination(abroad)
    assert abroad.primarySource is False and str(abroad.occurrenceDateTime) == "2021-07-02"
    assert next(e.valueCode for e in abroad.extension if e.url.endswith("Country" "OfVaccination")) == "FR"
    read = fhir(api, f"/fhir/Immunization/{dose.id}", officer)
    assert Immunization.model_validate(read.json()).id == dose.id
    assert len(accesses(api.service)) == before + 10  # every officer read recorded, the empty results too


def test_the_next_dose_is_an_immunization_recommendation_with_the_next_vaccination_date(day):
    api, world = day["api"], day["world"]
    person = world.person(1)
    own = api.headers("citizen", f"person:{person}", sub=person)
    [next_dose] = searchset(fhir(api, "/fhir/ImmunizationRecommendation", own, patient=f"Patient/{person}"),
                            ImmunizationRecommendation)
    criteria = {c.code.coding[0].code: str(c.value) for c in next_dose.recommendation[0].dateCriterion}
    assert "30980-7" in criteria and next_dose.recommendation[0].doseNumberPositiveInt == 2


@pytest.mark.parametrize("params, expected", [
    ({"date": "2021-13-45"}, (400, "invalid", ["date"])),
    ({"date": "ap2021-08-21"}, (400, "invalid", ["date"])),
    ({"vaccine-code": "210"}, (400, "invalid", ["vaccine-code"])),
    ({"_count": "1000"}, (400, "invalid", ["_count"])),
])
def test_a_bad_date_or_an_unknown_parameter_is_a_400_operation_outcome_and_appends_nothing(day, params, expected):
    api, world = day["api"], day["world"]
    officer = api.headers("national_admin", "national", purpose="CARE")
    before = api.count_events()
    assert outcome(fhir(api, "/fhir/Immunization", officer, patient=world.person(1), **params)) == expected
    assert api.count_events() == before


def test_a_role_or_scope_without_the_right_to_a_record_is_refused_and_nothing_is_recorded(day):
    api, world = day["api"], day["world"]
    person = world.person(1)
    before = api.count_events()
    for headers in (api.headers("citizen", f"person:{world.person(2)}", sub=world.person(2)),
                    api.headers("district_officer", "district:999", purpose="CARE"),
                    api.headers("analyst", "national", purpose="INVESTIGATION"),
                    api.headers("vaccinator", f"site:{day['site']}")):
        assert outcome(fhir(api, "/fhir/Immunization", headers, patient=person))[:2] == (403, "forbidden")
    assert outcome(fhir(api, "/fhir/Immunization", {}, patient=person))[:2] == (401, "login")
    assert outcome(fhir(api, "/fhir/Immunization", api.headers("district_officer", "district:760"),
                        patient=person)) == (400, "invalid", ["X-Purpose"])
    assert api.count_events() == before


def test_a_bulk_export_is_kicked_off_built_by_the_worker_and_read_as_ndjson_by_its_requester(day):
    api, world = day["api"], day["world"]
    officer = api.headers("province_officer", "province:79", sub="officer-export", purpose="ADMINISTRATION")
    assert outcome(fhir(api, "/fhir/$export", officer))[:2] == (400, "invalid")  # no Prefer: respond-async
    assert outcome(fhir(api, "/fhir/$export", {**officer, "Prefer": "respond-async"}, _since="2021-01-01"))[2] == [
        "_since"]
    kick_off = fhir(api, "/fhir/$export", {**officer, "Prefer": "respond-async", "Accept": FHIR_JSON})
    assert kick_off.status_code == 202, kick_off.text
    status_url = kick_off.headers["Content-Location"]
    assert requests.get(status_url, headers=api.headers("province_officer", "province:79", sub="someone-else"),
                        timeout=15).status_code == 404  # only the requester sees the job

    done = wait_for(lambda: (r := requests.get(status_url, headers=officer, timeout=15)).status_code == 200 and r,
                    timeout=120, what="the export")
    manifest = done.json()
    assert manifest["requiresAccessToken"] is True and manifest["error"] == [] and manifest["transactionTime"]
    assert manifest["request"].endswith("/fhir/$export")
    exported: dict[str, list] = {}
    for output in manifest["output"]:
        file = requests.get(output["url"], headers=officer, timeout=30)
        assert file.headers["Content-Type"].startswith("application/fhir+ndjson")
        lines = file.text.splitlines()
        assert len(lines) == output["count"] and file.text.endswith("\n")
        model = {"Immunization": Immunization, "ImmunizationRecommendation": ImmunizationRecommendation}[output["type"]]
        exported[output["type"]] = [model.model_validate_json(line) for line in lines]
        SERVED.extend(json.loads(line) for line in lines)
    mine = [d for d in exported["Immunization"] if d.patient.reference in (f"Patient/{world.person(1)}",
                                                                          f"Patient/{world.person(2)}")]
    assert len(mine) == 2
    for dose in mine:
        assert_ddcc_vaccination(dose)
    persons = {d.patient.reference.removeprefix("Patient/") for d in exported["Immunization"]}
    recorded = {subject for actor, subject, endpoint in accesses(api.service)
                if actor == "officer-export" and endpoint == "GET /fhir/$export"}
    assert persons <= recorded  # each exported person's record read is recorded

    other = api.headers("province_officer", "province:01", sub="officer-01", purpose="ADMINISTRATION")
    elsewhere = fhir(api, "/fhir/$export", {**other, "Prefer": "respond-async"}, _type="Immunization")
    url = elsewhere.headers["Content-Location"]
    empty = wait_for(lambda: (r := requests.get(url, headers=other, timeout=15)).status_code == 200 and r,
                     timeout=120, what="the other province's export")
    assert empty.json()["output"] == []  # nobody of province 79 is in province 01's export
    assert requests.delete(status_url, headers=officer, timeout=15).status_code == 202
    assert requests.get(status_url, headers=officer, timeout=15).status_code == 404


@pytest.fixture(scope="module")
def registration(infra):
    service = start_registration(infra, private_workdir("registration-fhir"))
    yield service
    stop_registration(service, infra)


def test_registration_serves_the_ddcc_person_as_a_patient_to_its_owner_and_to_staff_in_scope(registration):
    citizen = bearer(registration, "citizen", "person:none", sub="citizen-fhir")
    created = registration.http.post(registration.url("/v1/persons"), json=person_body(), headers=citizen, timeout=10)
    assert created.status_code == 201, created.text
    person = created.json()["person_id"]
    url = registration.url(f"/fhir/Patient/{person}")
    SERVED.append(requests.get(url, headers=citizen, timeout=10).json())
    patient = Patient.model_validate(SERVED[-1])
    assert (patient.id, patient.name[0].text, str(patient.birthDate), patient.gender) == (
        person, "Nguyễn Thị Lan", "1985-03-14", "female")
    assert patient.identifier[0].type.coding[0].code == "NI" and patient.identifier[0].value

    staff = bearer(registration, "district_officer", "district:760", sub="officer-patient")
    assert outcome(requests.get(url, headers=staff, timeout=10)) == (400, "invalid", ["X-Purpose"])
    assert outcome(requests.get(url, headers=bearer(registration, "district_officer", "district:999"), timeout=10)
                   )[:2] == (403, "forbidden")
    assert outcome(requests.get(url, headers=bearer(registration, "analyst", "national"), timeout=10))[:2] == (
        403, "forbidden")
    read = requests.get(url, headers={**staff, "X-Purpose": "CARE"}, timeout=10)
    assert Patient.model_validate(read.json()).id == person
    assert (("officer-patient", person, "GET /fhir/Patient/<person_id>") in accesses(registration))


def test_everything_served_passes_the_hl7_fhir_validator_which_catches_a_broken_resource(day, tmp_path):
    """The HL7 instance validator (tools/fhir-validator: org.hl7.fhir.validation through HAPI FHIR, R4 core
    definitions from Maven Central, offline) on every resource the tests above received, plus a fresh search."""
    api, world = day["api"], day["world"]
    officer = api.headers("national_admin", "national", purpose="CARE")
    searchset(fhir(api, "/fhir/Immunization", officer, patient=world.person(1)), Immunization)
    served = tmp_path / "served.ndjson"
    served.write_text("".join(json.dumps(resource) + "\n" for resource in SERVED))
    broken = tmp_path / "broken.json"  # a status outside the required value set, a date that is none
    broken.write_text(json.dumps({**SERVED[-1]["entry"][0]["resource"], "status": "done",
                                  "occurrenceDateTime": "2021-13-45"}))
    classpath = (VALIDATOR / "classpath.txt").read_text().strip()
    run = subprocess.run(["java", "-cp", classpath, str(VALIDATOR / "Validate.java"), str(served), str(broken)],
                         capture_output=True, text=True, timeout=900)
    errors = [line for line in run.stdout.splitlines() if " ERROR " in line or " FATAL " in line]
    assert not [line for line in errors if line.startswith(str(served))], run.stdout
    assert [line for line in errors if line.startswith(str(broken))], run.stdout
    assert run.returncode == 1 and f"{len(SERVED) + 1} resource(s)" in run.stdout, run.stdout + run.stderr
