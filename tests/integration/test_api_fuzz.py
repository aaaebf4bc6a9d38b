"""Every API fuzzed from its OpenAPI document with a token of every role, and nothing broken afterwards.

The six services and the partner service run as in production (gunicorn web + worker each) against the suite's PostgreSQL and Kafka,
seeded with the reference data (supply tree, vaccines, lots) so generated ids sometimes name real things.
Each service is fuzzed by :func:`tests.integration.api_fuzz.fuzz_service`: no 5xx, every response as its
document says. Then every relay and projection settles, the dead-letter topics hold no event of these
stores, and every read model equals a fresh rebuild from its topics.

The suite runs a bounded number of examples per operation and role (derandomised); ``make fuzz`` runs the
same tests with ``VAXTRAIL_FUZZ_EXAMPLES`` large.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
import requests

from vaxtrail_cli.private_services import SERVICES, Stack, start_stack, stop_stack

from .api_fuzz import (
    dead_letters_of_ours,
    elapsed,
    examples_per_operation,
    fuzz_service,
    rebuild_differences,
    settle,
    tokens,
)
from .service_procs import private_workdir

FUZZED = (*SERVICES, "partner")
"""The six services and the partner service."""


@pytest.fixture(scope="module")
def stack(infra) -> Iterator[Stack]:
    started = time.monotonic()
    stack = start_stack(infra.server_url, infra.kafka_bootstrap, private_workdir("fuzz"), FUZZED, prefix="fuzz")
    seeded = requests.post(stack["inventory"].url("/v1/reference/seed"), json={"version": 1}, timeout=60,
                           headers=tokens(stack.private_key)["national_admin"])
    assert seeded.status_code in (200, 201), seeded.text
    print(f"[fuzz] stack started and seeded in {elapsed(started)}")
    try:
        yield stack
    finally:
        stop_stack(stack, infra.server_url)


@pytest.mark.parametrize("name", FUZZED)
def test_every_operation_answers_every_role_as_documented_without_a_server_error(stack, name):
    started = time.monotonic()
    report = fuzz_service(stack[name], stack.private_key, examples=examples_per_operation())
    print(f"[fuzz] {report.summary()} in {elapsed(started)}")
    assert report.operations > 0
    assert not report.failures, f"{report.summary()}:\n" + "\n\n".join(
        f"{operation} [{check}] {status}\n{example}" for (operation, check, status), example in
        sorted(report.failures.items()))


def test_afterwards_no_dead_letter_holds_an_event_of_ours_and_every_read_model_equals_a_rebuild(stack):
    started = time.monotonic()
    settle(stack)
    assert dead_letters_of_ours(stack) == []
    assert rebuild_differences(stack) == []
    print(f"[fuzz] settled, dead letters read and every read model rebuilt in {elapsed(started)}")
