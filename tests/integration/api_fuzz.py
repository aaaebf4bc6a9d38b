"""Fuzzing a running service from its own OpenAPI document, and what must still hold afterwards.

:func:`fuzz_service` drives every operation of a service's ``/openapi.json`` with schemathesis-generated
requests (valid and invalid by the schema), once with a token of every role and once without one: for a
role the operation admits (its ``x-roles``, or every role on a public route) ``examples`` requests, for the
others ``refused_examples``. Each response must not be a server error (5xx) and must conform to the document:
status code documented, content type and body as documented. Generation is derandomised (the same requests
on every run), and a failing example is recorded, not shrunk, so one run reports every defect it meets.

:func:`settle` waits until every relay has published its store and every projection has applied its topics to
their ends; :func:`rebuild_differences` then rebuilds every read model from offset 0 as ``vaxtrail rebuild``
does (the running workers replay it) and compares its rows with what the projection had built before;
:func:`dead_letters_of_ours` lists the dead letters (``vaxtrail dlq list``) that hold an event of these
stores.
"""

from __future__ import annotations

import importlib
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

import psycopg
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from eventkit.auth import mint_token
from eventkit.auth.principal import ROLES
from eventkit.db import make_pool
from eventkit.kafka import make_consumer
from eventkit.projections import rebuild
from eventkit.projections.deadletter import read_dead_letters
from eventkit.service import retarget
from eventkit.settings import Settings
from vaxtrail_cli import catchup
from vaxtrail_cli.faults.settle import relay_behind
from vaxtrail_cli.private_services import RunningService, Stack

from .kafka_helpers import wait_for
from .roundtrip import table_rows

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
SCOPE_OF_ROLE = {"national_admin": "national", "auditor": "national", "analyst": "national", "partner": "national",
                 "province_officer": "province:79", "district_officer": "district:760",
                 "site_manager": "site:S-79-760-01", "vaccinator": "site:S-79-760-01", "citizen": "person:P-FUZZ-1"}
"""The scope each role's token carries: the seeded reference tree's province 79, district 760 and one site."""
ANONYMOUS = "anonymous"


def examples_per_operation() -> int:
    """``VAXTRAIL_FUZZ_EXAMPLES`` (``make fuzz`` sets a large number), else the suite's bounded count."""
    return int(os.environ.get("VAXTRAIL_FUZZ_EXAMPLES", "4"))


@dataclass
class FuzzReport:
    service: str
    operations: int = 0
    requests: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    failures: dict[tuple[str, str, str], str] = field(default_factory=dict)
    """(operation, check, status) -> one reproduction (role, request, response), first seen."""

    def summary(self) -> str:
        return (f"{self.service}: {self.operations} operations, {self.requests} requests, statuses "
                f"{dict(sorted(self.statuses.items()))}, {len(self.failures)} distinct failure(s)")


def tokens(private_key: bytes) -> dict[str, dict[str, str]]:
    """An ``Authorization`` header per role (with :data:`SCOPE_OF_ROLE`), and none for :data:`ANONYMOUS`."""
    headers = {ANONYMOUS: {}}
    for role in sorted(ROLES):
        token = mint_token(private_key, subject=f"fuzz-{role}", role=role, scopes=[SCOPE_OF_ROLE[role]],
                           ttl_seconds=4 * 3600)
        headers[role] = {"Authorization": f"Bearer {token}"}
    return headers


def fuzz_service(service: RunningService, private_key: bytes, *, examples: int,
                 refused_examples: int = 1) -> FuzzReport:
    """Fuzz every operation of ``service``'s served document with every role's token (see module docstring)."""
    document = requests.get(service.url("/openapi.json"), timeout=30).json()
    schema = schemathesis.openapi.from_dict(document)
    report = FuzzReport(service.name)
    headers_of = tokens(private_key)
    http = requests.Session()
    try:
        for result in schema.get_all_operations():
            operation = result.ok()
            report.operations += 1
            admitted = set(operation.definition.raw.get("x-roles") or ROLES) | (
                {ANONYMOUS} if "security" not in operation.definition.raw else set())
            strategy = st.one_of(operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
                                 operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))
            for role, headers in headers_of.items():
                count = examples if role in admitted else refused_examples
                _fuzz_operation(service, http, operation.label, strategy, role, headers, count, report)
    finally:
        http.close()
    return report


def _fuzz_operation(service, http, label, strategy, role, headers, count, report) -> None:
    @settings(max_examples=count, derandomize=True, database=None, deadline=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def one(case) -> None:
        response = case.call(base_url=service.base_url, session=http, headers=headers, timeout=60)
        report.requests += 1
        report.statuses[response.status_code] = report.statuses.get(response.status_code, 0) + 1
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (Failure, FailureGroup) as failure:  # a group: every failed check of this response
            for each in getattr(failure, "exceptions", [failure]):
                key = (label, getattr(each, "title", type(each).__name__), str(response.status_code))
                report.failures.setdefault(key, f"role {role}: {case.as_curl_command()}\n  -> "
                                                f"{response.status_code} {response.text[:600]}\n  {each}")

    one()


# -- afterwards: relays drained, projections caught up, read models as rebuilt, no dead letter of ours ---------
def service_settings(service: RunningService) -> Settings:
    return Settings.from_env(service.name, service.env)


def projections_of(service: RunningService) -> list:
    settings = service_settings(service)
    wiring = importlib.import_module(f"services.{service.name}.bootstrap").WIRING
    return [retarget(p, settings) for p in wiring.projections(settings, wiring.codec())]


def _relay_drained(service: RunningService) -> bool:
    return relay_behind(service.database_url) == 0  # every relay: the event store's, the partner feed outbox's


def _caught_up(service: RunningService, pool, projection) -> bool:
    _, end = catchup.topic_bounds(service.env["KAFKA_BOOTSTRAP"], projection.topics)
    offsets = catchup.tracked(pool, projection.name)
    return all(offsets.get(key, -1) + 1 >= offset for key, offset in end.items() if offset > 0)


def settle(stack: Stack, timeout: float = 300.0) -> None:
    """Wait until every relay published its whole store and every projection reached its topics' ends, twice
    in a row (a projection's worker may append events in turn: certificates, reserves, lot reviews)."""
    pools = {name: make_pool(s.database_url, max_size=1, name=f"fuzz-{name}") for name, s in stack.services.items()}
    try:
        def settled() -> bool:
            return all(_relay_drained(s) for s in stack.services.values()) and all(
                _caught_up(s, pools[name], p) for name, s in stack.services.items() for p in projections_of(s))

        wait_for(lambda: settled() and settled(), timeout=timeout, interval=1.0, what="relays and projections")
    finally:
        for pool in pools.values():
            pool.close()


def snapshot(stack: Stack) -> dict[str, dict[str, list]]:
    """``service.projection`` -> its tables' rows (:func:`tests.integration.roundtrip.table_rows`)."""
    rows = {}
    for name, service in stack.services.items():
        with psycopg.connect(service.database_url) as conn:
            for projection in projections_of(service):
                rows[f"{name}.{projection.name}"] = table_rows(conn, projection.tables)
    return rows


def rebuild_differences(stack: Stack, timeout: float = 180.0) -> list[str]:
    """Rebuild every read model of every service from offset 0, as ``vaxtrail rebuild`` does (the running
    workers replay it), and compare its rows with what it held before; the workers' own follow-ups (the
    audit sealer, the certificate issuer ...) converge too. Returns one line per table that still differs
    after ``timeout`` seconds."""
    settle(stack)
    before = snapshot(stack)
    for service in stack.services.values():
        pool = make_pool(service.database_url, max_size=1, name=f"fuzz-rebuild-{service.name}")
        try:
            for projection in projections_of(service):
                rebuild(pool, projection)
        finally:
            pool.close()
    settle(stack)
    deadline = time.monotonic() + timeout
    while True:
        after = snapshot(stack)
        differences = [difference(key, table, rows, after[key][table])
                       for key, tables in before.items() for table, rows in tables.items() if rows != after[key][table]]
        if not differences or time.monotonic() > deadline:
            return differences
        time.sleep(1.0)  # a read model still converging (polled: a passing run leaves at the first equal look)


def difference(projection: str, table: str, before: list, after: list) -> str:
    gone, new = [r for r in before if r not in after], [r for r in after if r not in before]
    return (f"{projection}: table {table} differs after a rebuild ({len(before)} rows before, {len(after)} after); "
            f"e.g. only before: {gone[:2]}, only after: {new[:2]}")


def event_ids(services: Iterable[RunningService]) -> set[str]:
    ids: set[str] = set()
    for service in services:
        with psycopg.connect(service.database_url) as conn:
            ids |= {str(row[0]) for row in conn.execute("SELECT event_id FROM events")}
    return ids


def dead_letters_of_ours(stack: Stack) -> list[str]:
    """Every dead letter in the services' DLQ topics whose event is one of these stores' events."""
    ours = event_ids(stack.services.values())
    found = []
    for name, service in stack.services.items():
        settings = service_settings(service)
        letters = read_dead_letters(lambda s=settings: make_consumer(s.kafka_bootstrap, group_id=None,
                                                                     client_id="fuzz-dlq"), settings.dlq_topic)
        found += [f"{name}.{letter.projection}: {letter.event_type} {letter.event_id} ({letter.reason}: "
                  f"{letter.error[:300]})" for letter in letters if letter.event_id in ours]
    return found


def elapsed(since: float) -> str:
    return f"{time.monotonic() - since:.0f} s"
