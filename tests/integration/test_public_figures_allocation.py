"""Public figures of the real allocation service, without a token: a national plan counts as allocated only
once approved (by province, on the day of approval; the special unit for the country), its releases count on
their day. Other modules' plans share the topic, so each step is checked as a difference."""

from __future__ import annotations

import requests

from .allocation_world import allocation, bearer, national_plan, plan_id, post, world  # noqa: F401 - fixtures
from .kafka_helpers import wait_for


def figures(service) -> dict:
    answer = requests.get(service.url("/v1/public/figures"), timeout=15)  # no Authorization header
    assert answer.status_code == 200, answer.text
    return answer.json()


def counts(body: dict) -> dict:
    provinces = {(r["province_code"], m): r[m] for r in body["by_province"] for m in ("allocated", "released")}
    return {**provinces, **{("total", m): body["total"][m] for m in ("allocated", "released")}}


def grows_by(service, before: dict, expected: dict, what: str) -> dict:
    def check():
        now = counts(figures(service))
        grown = {k: now.get(k, 0) - before.get(k, 0) for k in expected}
        return now if grown == expected else None
    return wait_for(check, timeout=60, what=what)


def test_a_plan_is_allocated_once_approved_and_released_on_its_day(allocation, world):  # noqa: F811
    anh = bearer(allocation, "national_admin", "national", sub="admin-anh")
    binh = bearer(allocation, "national_admin", "national", sub="admin-binh")
    pid = plan_id()
    start = counts(figures(allocation))
    assert post(allocation, "/v1/allocation-plans", national_plan(world, pid), anh).status_code == 201
    assert post(allocation, f"/v1/allocation-plans/{pid}/submit", {"comment": "wave 3"}, anh).status_code == 201
    assert post(allocation, f"/v1/allocation-plans/{pid}/approve", {"comment": "ok"}, binh).status_code == 201
    approved = grows_by(allocation, start, {("96", "allocated"): 27_000, ("95", "allocated"): 9_000,
                                            ("total", "allocated"): 40_000, ("total", "released"): 0},
                        "the approved plan in the public figures")
    assert post(allocation, f"/v1/allocation-plans/{pid}/release", {}, binh).status_code == 201
    grows_by(allocation, approved, {("96", "released"): 27_000, ("95", "released"): 9_000,
                                    ("total", "released"): 40_000, ("total", "allocated"): 0},
             "the released plan in the public figures")
    body = figures(allocation)
    assert pid not in str(body) and world.army not in str(body)
    assert sum(d["released"] for d in body["by_day"] if isinstance(d["released"], int)) == body["total"]["released"]


def test_a_draft_and_a_cancelled_plan_allocate_nothing(allocation, world):  # noqa: F811
    anh = bearer(allocation, "national_admin", "national", sub="admin-anh")
    binh = bearer(allocation, "national_admin", "national", sub="admin-binh")
    draft, cancelled = plan_id(), plan_id()
    before = counts(figures(allocation))
    for pid in (draft, cancelled):
        assert post(allocation, "/v1/allocation-plans", national_plan(world, pid, total_doses=10_000),
                    anh).status_code == 201
    assert post(allocation, f"/v1/allocation-plans/{cancelled}/submit", {"comment": "w"}, anh).status_code == 201
    assert post(allocation, f"/v1/allocation-plans/{cancelled}/approve", {"comment": "ok"}, binh).status_code == 201
    grows_by(allocation, before, {("total", "allocated"): 10_000}, "the approved plan")
    answer = post(allocation, f"/v1/allocation-plans/{cancelled}/cancel", {"comment": "wrong lot"}, anh)
    assert answer.status_code == 201, answer.text
    grows_by(allocation, before, {("total", "allocated"): 0}, "the cancelled plan gone from the figures")


def test_the_plans_still_refuse_a_request_without_a_token(allocation):  # noqa: F811
    assert requests.get(allocation.url("/v1/allocation-plans"), timeout=15).status_code == 401
