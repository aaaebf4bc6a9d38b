"""Waiting for eventually consistent read models through the public APIs: poll, never sleep blindly."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from vaxtrail_cli.campaign.client import Response

T = TypeVar("T")


class NotReady(TimeoutError):
    """A read model did not show what was waited for within the timeout."""


def until(condition: Callable[[], T], *, timeout: float, what: str, interval: float = 0.05,
          backoff: float = 1.5, longest: float = 1.0) -> T:
    """Call ``condition`` until it returns something truthy (and return it), backing off up to ``longest``."""
    deadline = time.monotonic() + timeout
    pause = interval
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise NotReady(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(pause)
        pause = min(pause * backoff, longest)


def retry_while(send: Callable[[], Response], not_yet: Callable[[Response], bool], *, timeout: float,
                what: str) -> Response:
    """Send a write again while its answer says a read model has not caught up yet (``not_yet``).

    Such answers append nothing (a refused command writes nothing), so sending again is what a real client
    does when another service's news has not reached this one. Any other answer is returned as it is.
    """
    last: list[Response] = []

    def attempt() -> Response | None:
        response = send()
        last[:] = [response]
        return None if not_yet(response) else response

    try:
        return until(attempt, timeout=timeout, what=what, interval=0.1)
    except NotReady as exc:
        raise NotReady(f"{exc}: last answer HTTP {last[0].status} {last[0].text[:300]}") from None


def refused_for(rule: str, *fields: str) -> Callable[[Response], bool]:
    """``not_yet`` for :func:`retry_while`: a 404, or a 422 with this rule (and one of these fields)."""
    def matches(response: Response) -> bool:
        if response.status == 404:
            return True
        if response.status != 422:
            return False
        body = response.json()
        return body.get("rule") == rule and (not fields or body.get("field") in fields)
    return matches
