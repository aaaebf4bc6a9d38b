"""Issue 18 over HTTP: the reference data's products as the schedule knows them (Sputnik V's components), and
screening and dose agreeing (a dose before its screening; a contraindication named by brand). Each bad input
is a 422 problem naming its rule and field, and appends nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from services.immunization.bootstrap import MIGRATIONS
from tests.integration.service_procs import private_workdir

from .immunization_world import (
    ICT,
    NORMAL_VITALS,
    Client,
    Publisher,
    World,
    at,
    checked_in_and_screened,
    locations,
    people,
    presentation_id,
    problem,
    session_plan,
    start_immunization,
    ts,
)
from .immunization_world import hospital_day as open_hospital_day
from .immunization_world import inventory as inventory_pb

OCT_DAY = datetime(2021, 10, 15, tzinfo=ICT)
# As in services/inventory/seed/reference.v1.json: each component is its own presentation and national code.
SPUTNIK = {"SPUTNIK-V-I": ["I"], "SPUTNIK-V-II": ["II"]}


@pytest.fixture(scope="module")
def immunization(infra):
    yield from start_immunization(infra, private_workdir("immunization-products"), MIGRATIONS)


@pytest.fixture(scope="module")
def hospital_day(immunization, infra):
    return open_hospital_day(immunization, infra.kafka_bootstrap)


def _oct(hour: int, minute: int = 0) -> str:
    return (OCT_DAY + timedelta(hours=hour, minutes=minute)).isoformat()


@pytest.fixture(scope="module")
def sputnik_day(immunization, infra):
    """A hospital session on 15 Oct 2021 with a vial of each Sputnik V component open; people 1-6 adults."""
    api, world, publisher = Client(immunization), World(), Publisher(infra.kafka_bootstrap)
    site, session_id = world.site("HOSPITAL"), f"SES-SP-{world.tag}"
    catalogue = []
    for code, components in SPUTNIK.items():
        pid = presentation_id(world, code)
        catalogue.append((pid, inventory_pb.PresentationDefined(
            presentation_id=pid, version=1, vaccine_code=code, vaccine_code_system="NATIONAL", doses_per_vial=1,
            dose_volume_ml="0.5", min_age_years=18, platform="VIRAL_VECTOR", components=components, series_doses=2,
            open_vial_window_hours=6, brand=f"Sputnik V component {components[0]}", manufacturer="Gamaleya")))
        lot_id = world.lot(code)
        catalogue.append((lot_id, inventory_pb.LotRegistered(
            lot_id=lot_id, lot_number=code, presentation_id=pid, presentation_version=1,
            manufacture_date="2021-06-01", label_expiry_date="2022-06-30")))
        catalogue.append((f"{site}/{lot_id}", inventory_pb.DoseReceived(
            location_id=site, lot_id=lot_id, doses=60, vials=60, source="BILATERAL",
            received_at=ts(datetime(2021, 10, 1, tzinfo=ICT)), presentation_id=pid)))
    publisher.publish("inventory", locations(world) + catalogue)
    publisher.publish("registration", people(world, 6))
    publisher.publish("allocation", session_plan(world, session_id, site, OCT_DAY + timedelta(hours=7),
                                                 OCT_DAY + timedelta(hours=17), presentation="SPUTNIK-V-I"))
    publisher.close()
    api.wait_rows("SELECT count(*) FROM ref_person WHERE person_id LIKE %s AND district_health_centre_id <> ''",
                  f"P-{world.tag}-%", expected=6, what="people")
    api.wait_rows("SELECT count(*) FROM ref_site_stock WHERE lot_id = %s", world.lot("SPUTNIK-V-II"), expected=1,
                  what="stock")
    api.wait_rows("SELECT count(*) FROM ref_session_plan WHERE session_id = %s", session_id, expected=1, what="plan")
    staff = api.headers("site_manager", f"site:{site}", sub=f"manager-{world.tag}")
    assert api.post(f"/v1/sessions/{session_id}/open", {"opened_at": _oct(7)}, staff).status_code == 201
    vials = {}
    for code in SPUTNIK:
        for _ in range(3):
            opened = api.post(f"/v1/sessions/{session_id}/vials", {"lot_id": world.lot(code), "opened_at": _oct(8)},
                              staff)
            assert opened.status_code == 201, opened.text
            vials.setdefault(code, []).append(opened.json()["vial_opening_id"])
    return {"api": api, "world": world, "session_id": session_id, "staff": staff, "vials": vials}


def _visit(day: dict, n: int, pregnancy_weeks: int | None = None) -> str:
    api, world, staff = day["api"], day["world"], day["staff"]
    body = {"identity_method": "ID_DOCUMENT", "document_kind": "CITIZEN_ID", "document_number": world.national_id(n),
            "presence_override_reason": "app offline", "checked_in_at": _oct(8, n)}
    visit = api.post(f"/v1/sessions/{day['session_id']}/check-ins", body, staff)
    assert visit.status_code == 201, visit.text
    screening = {"vitals": NORMAL_VITALS, "screened_at": _oct(8, n + 1)}
    if pregnancy_weeks is not None:
        screening["pregnancy_weeks"] = pregnancy_weeks
    screened = api.post(f"/v1/visits/{visit.json()['visit_id']}/screening", screening, staff)
    assert screened.status_code == 201, screened.text
    return visit.json()["visit_id"]


def _historical(day: dict, n: int, code: str, on: str) -> None:
    officer = day["api"].headers("district_officer", "district:760")
    body = {"product": code, "administered_date": on, "country": "VN", "source": "PAPER_CARD", "series": "PRIMARY",
            "dose_number": 1}
    assert day["api"].post(f"/v1/persons/{day['world'].person(n)}/historical-doses", body, officer).status_code == 201


def test_sputnik_components_over_http(sputnik_day):
    day = sputnik_day
    api, staff, vials = day["api"], day["staff"], day["vials"]
    one, two = vials["SPUTNIK-V-I"], vials["SPUTNIK-V-II"]

    def give(visit: str, vial: str, number: int):
        body = {"vial_opening_id": vial, "series": "PRIMARY", "dose_number": number, "administered_at": _oct(9)}
        return api.post(f"/v1/visits/{visit}/doses", body, staff)

    # component II is not a first dose
    visit = _visit(day, 1)
    before = api.count_events()
    assert problem(give(visit, two[0], 1)) == (422, "INV-22", "vial_opening_id")
    assert api.count_events() == before
    # Sputnik is not given in pregnancy (20 weeks: a caution, vaccinated at this hospital-capable site otherwise)
    visit = _visit(day, 2, pregnancy_weeks=20)
    before = api.count_events()
    assert problem(give(visit, one[0], 1)) == (422, "INV-24", "vial_opening_id")
    assert api.count_events() == before
    # component I on 24 Sep, component II 21 days later: the valid series, not a mix
    _historical(day, 3, "SPUTNIK-V-I", "2021-09-24")
    given = give(_visit(day, 3), two[1], 2)
    assert given.status_code == 201, given.text
    # 20 days after component I: too early
    _historical(day, 4, "SPUTNIK-V-I", "2021-09-25")
    visit = _visit(day, 4)
    before = api.count_events()
    assert problem(give(visit, two[2], 2)) == (422, "INV-21", "administered_at")
    # component I again as dose 2
    assert problem(give(visit, one[1], 2)) == (422, "INV-22", "vial_opening_id")
    assert api.count_events() == before


def test_a_dose_timed_before_its_screening_is_refused(hospital_day):
    day = hospital_day
    api, staff = day["api"], day["staff"]
    visit = checked_in_and_screened(day, 7)  # screened at 08:08
    before = api.count_events()
    dose = {"vial_opening_id": day["vial"], "series": "PRIMARY", "dose_number": 1, "administered_at": at(8, 7)}
    assert problem(api.post(f"/v1/visits/{visit}/doses", dose, staff)) == (422, "INV-20", "administered_at")
    assert api.count_events() == before
    given = api.post(f"/v1/visits/{visit}/doses", {**dose, "administered_at": at(8, 8)}, staff)
    assert given.status_code == 201, given.text


def test_a_contraindication_named_by_brand_is_enforced_at_the_dose_and_an_unknown_name_is_refused(hospital_day):
    day = hospital_day
    api, world, staff = day["api"], day["world"], day["staff"]

    def check_in(minute: int) -> str:
        body = {"identity_method": "ID_DOCUMENT", "document_kind": "CITIZEN_ID",
                "document_number": world.national_id(8), "presence_override_reason": "app offline",
                "checked_in_at": at(11, minute)}
        visit = api.post(f"/v1/sessions/{day['session_id']}/check-ins", body, staff)
        assert visit.status_code == 201, visit.text
        return visit.json()["visit_id"]

    first = check_in(0)
    before = api.count_events()
    unknown = {"vitals": NORMAL_VITALS, "screened_at": at(11, 1),
               "answers": [{"question_code": "ANAPHYLAXIS_PREVIOUS_DOSE", "answer": "the pink one"}]}
    assert problem(api.post(f"/v1/visits/{first}/screening", unknown, staff)) == (422, "INV-20", "answers")
    assert api.count_events() == before
    brand = {**unknown, "answers": [{"question_code": "ANAPHYLAXIS_PREVIOUS_DOSE", "answer": "Comirnaty"}]}
    screened = api.post(f"/v1/visits/{first}/screening", brand, staff)
    assert screened.status_code == 201 and screened.json()["outcome"] == "CONTRAINDICATED", screened.text
    second = check_in(10)
    assert api.post(f"/v1/visits/{second}/screening", {"vitals": NORMAL_VITALS, "screened_at": at(11, 11)},
                    staff).json()["outcome"] == "ELIGIBLE"
    before = api.count_events()
    dose = {"vial_opening_id": day["pfizer_vial"], "series": "PRIMARY", "dose_number": 1,
            "administered_at": at(11, 15)}
    assert problem(api.post(f"/v1/visits/{second}/doses", dose, staff)) == (422, "INV-20", "vial_opening_id")
    assert api.count_events() == before
    other = api.post(f"/v1/visits/{second}/doses", {**dose, "vial_opening_id": day["vial"]}, staff)
    assert other.status_code == 201, other.text
