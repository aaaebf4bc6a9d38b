"""Write routes through eventkit.web: the command decorator, the strict request models and field types,
and the audited-read helper - each refusal is a 4xx problem that appends nothing (no servers)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from flask import Blueprint, jsonify

from eventkit import access
from eventkit.aggregates import AggregateSpec, EventSourcing, Reply
from eventkit.auth import NATIONAL_ADMIN, Authenticator, generate_dev_keypair, mint_token, requires
from eventkit.codec import ProtoCodec
from eventkit.envelope import CommandContext
from eventkit.settings import Settings
from eventkit.testing import InMemoryEventStore
from eventkit.web.app import create_app
from eventkit.web.commands import command
from eventkit.web.models import Count, Day, Id, Line, Moment, StrictModel, Text, line
from eventkit.web.problems import PROBLEM_JSON

SETTINGS = Settings(service="registration", database_url="postgresql:///unused", kafka_bootstrap="unused")


class Adjustment(StrictModel):
    lot_id: Id
    doses: Count
    closed_vial: bool = False
    evidence: Text = ""
    reason: line(40) = "BREAKAGE"
    adjusted_at: Moment
    count_date: Day | None = None


@dataclass(frozen=True)
class Noted:
    text: str
    occurred_at: datetime


def build(tmp_path: Path):
    private, public = generate_dev_keypair(tmp_path)
    store = InMemoryEventStore()
    codec = ProtoCodec()
    access.register(codec)
    es = EventSourcing(store, codec, producer="registration")
    blueprint = Blueprint("t", __name__)
    spec = AggregateSpec("personal_data_access", lambda: None, lambda s, e: s)

    @blueprint.post("/lots/<lot_id>/adjustments")
    @requires(NATIONAL_ADMIN)
    @command(Adjustment, scope="adjust:{lot_id}")
    def adjust(body: Adjustment, context: CommandContext, lot_id: str):
        def work(tx):
            tx.append(spec, f"x/{lot_id}", [access.PersonalDataAccessed(
                context.actor_id, context.actor_role, "ADMINISTRATION", body.lot_id, body.evidence)])
            return Reply(lot_id, {"doses": body.doses})
        return es.execute(context, work)

    @blueprint.get("/persons/<person_id>")
    @requires(NATIONAL_ADMIN)
    def read_person(person_id: str):
        access.record_access(es, person_id, access.declared_purpose())
        return jsonify(person_id=person_id)

    app = create_app(SETTINGS, blueprints=[blueprint], readiness_checks={},
                     authenticator=Authenticator(issuer="vaxtrail", audience="vaxtrail",
                                                 public_key_pem=public.read_bytes()))
    token = mint_token(private.read_bytes(), subject="admin-1", role=NATIONAL_ADMIN, scopes=["national"])
    return app.test_client(), store, {"Authorization": f"Bearer {token}"}


@pytest.fixture
def world(tmp_path):
    return build(tmp_path)


GOOD = {"lot_id": "ABV5300", "doses": 10, "adjusted_at": "2021-08-10T09:00:00+07:00", "evidence": "line 1\nline 2"}


def post(client, headers, body=None, raw: bytes | None = None, **extra_headers):
    if raw is not None:
        return client.post("/lots/ABV5300/adjustments", data=raw, content_type="application/json",
                           headers={**headers, **extra_headers})
    return client.post("/lots/ABV5300/adjustments", json=body, headers={**headers, **extra_headers})


def refused(response, status: int, rule: str, field: str | None):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.content_type == PROBLEM_JSON
    problem = response.get_json()
    assert (problem["rule"], problem.get("field")) == (rule, field), problem
    return problem


def test_a_command_is_201_with_the_standard_answer_and_a_retry_is_the_first_answer(world):
    client, store, admin = world
    first = post(client, admin, GOOD, **{"Idempotency-Key": "dev-1:0001"})
    assert first.status_code == 201
    body = first.get_json()
    assert body["id"] == "ABV5300" and body["doses"] == 10 and len(body["event_ids"]) == 1
    again = post(client, admin, GOOD, **{"Idempotency-Key": "dev-1:0001"})
    assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
    assert again.get_data() == first.get_data()
    assert store.last_position() == 1
    refused(post(client, admin, {**GOOD, "doses": 11}, **{"Idempotency-Key": "dev-1:0001"}), 422, "INV-34",
            "idempotency_key")


@pytest.mark.parametrize(("change", "rule", "field"), [
    ({"evidence": "x\u0000y"}, "control-character", "evidence"),
    ({"evidence": "bell\u0007"}, "control-character", "evidence"),
    ({"reason": "two\nlines"}, "control-character", "reason"),
    ({"reason": "x\u0085"}, "control-character", "reason"),
    ({"adjusted_at": "0242-11-04T02:52:00+00:00"}, "time-range", "adjusted_at"),
    ({"adjusted_at": "9999-12-31T23:00:00-14:00"}, "time-range", "adjusted_at"),
    ({"adjusted_at": "2021-08-10T09:00:00"}, "timezone_aware", "adjusted_at"),
    ({"count_date": "2021-08-10T00:00:00"}, "date_parsing", "count_date"),
    ({"count_date": "0242-01-01"}, "date-range", "count_date"),
    ({"doses": "10"}, "int_type", "doses"),
    ({"doses": 10.0}, "int_type", "doses"),
    ({"doses": 2**31}, "less_than_equal", "doses"),
    ({"doses": -1}, "greater_than_equal", "doses"),
    ({"closed_vial": "yes"}, "bool_type", "closed_vial"),
    ({"lot_id": "ABV\u00005300"}, "string_pattern_mismatch", "lot_id"),
    ({"surprise": 1}, "extra_forbidden", "surprise"),
])
def test_what_no_projection_could_apply_is_a_422_naming_the_field_and_appends_nothing(world, change, rule, field):
    client, store, admin = world
    refused(post(client, admin, {**GOOD, **change}), 422, rule, field)
    assert store.last_position() == 0


@pytest.mark.parametrize(("raw", "rule", "field"), [
    (b'{"lot_id": "A", "doses": 1, "doses": 1000, "adjusted_at": "2021-08-10T09:00:00Z"}', "duplicate-key", "doses"),
    (b'{"lot_id": "A", "doses": NaN, "adjusted_at": "2021-08-10T09:00:00Z"}', "json", None),
    (b'{"lot_id": "A", "doses": 1', "json", None),
    # A lone surrogate is JSON syntax but not Unicode: no store or topic can carry it.
    (b'{"lot_id": "A", "doses": 1, "evidence": "\\ud800", "adjusted_at": "2021-08-10T09:00:00Z"}', "json", None),
])
def test_ambiguous_or_malformed_json_is_a_400(world, raw, rule, field):
    client, store, admin = world
    refused(post(client, admin, raw=raw), 400, rule, field)
    assert store.last_position() == 0


def test_a_malformed_correlation_id_is_a_400_and_a_good_one_is_recorded(world):
    client, store, admin = world
    refused(post(client, admin, GOOD, **{"X-Correlation-ID": "a b"}), 400, "correlation-id", "X-Correlation-ID")
    assert post(client, admin, GOOD, **{"X-Correlation-ID": "campaign-day-1"}).status_code == 201
    assert store.read_after(0)[0].correlation_id == "campaign-day-1"


def test_an_audited_read_records_who_why_and_the_route_template(world):
    client, store, admin = world
    refused(client.get("/persons/P-1", headers=admin), 400, "purpose", "X-Purpose")
    assert store.last_position() == 0
    assert client.get("/persons/P-1?purpose=care", headers=admin).status_code == 200
    (event,) = store.read_after(0)
    assert event.event_type == "vaxtrail.audit.v1.PersonalDataAccessed" and event.actor_id == "admin-1"
    assert event.aggregate_id.startswith("access/") and event.idempotency_key is None
    from vaxtrail.audit.v1 import events_pb2
    message = events_pb2.PersonalDataAccessed.FromString(event.payload)
    assert (message.purpose, message.subject_person_id, message.endpoint) == (
        "CARE", "P-1", "GET /persons/<person_id>")


def test_text_types_refuse_unpaired_surrogates_whatever_the_parser():
    from pydantic import ValidationError
    with pytest.raises(ValidationError) as info:
        Adjustment.model_validate({**GOOD, "evidence": "\ud800", "adjusted_at": datetime.fromisoformat(GOOD["adjusted_at"])})
    assert info.value.errors()[0]["loc"] == ("evidence",)


def test_line_and_text_accept_ordinary_vietnamese_text():
    model = Adjustment.model_validate_json(
        b'{"lot_id": "A", "doses": 1, "adjusted_at": "2021-08-10T09:00:00Z", "reason": "V\xe1\xbb\xa1 l\xe1\xbb\x8d",'
        b' "evidence": "Bi\xc3\xaan b\xe1\xba\xa3n\\n\\tk\xc3\xbd t\xc3\xaan"}')
    assert model.reason == "Vỡ lọ" and model.evidence == "Biên bản\n\tký tên"
    assert isinstance(Line, object) and isinstance(Text, object)


def test_a_query_date_is_a_calendar_date_never_a_date_time():
    from pydantic import ValidationError

    from eventkit.web.models import QueryModel

    class AsOf(QueryModel):
        on: Day

    assert AsOf.model_validate({"on": "2021-08-01"}).on.isoformat() == "2021-08-01"
    for text in ("2021-08-01T00:00:00Z", "2021-08-01T00:00:00", "20210801", "0242-01-01"):
        with pytest.raises(ValidationError):
            AsOf.model_validate({"on": text})


def test_a_control_character_is_named_by_its_code_point_and_position(world):
    client, store, admin = world
    problem = refused(post(client, admin, {**GOOD, "evidence": "x\u0000y"}), 422, "control-character", "evidence")
    assert problem["errors"][0]["message"] == "text must not contain control characters (U+0000 at 1)"
