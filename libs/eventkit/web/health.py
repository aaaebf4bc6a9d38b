"""Liveness and readiness endpoints (Kubernetes probes).

``/healthz`` answers 200 as long as the process serves requests - it checks nothing else, so a slow
database never gets a healthy pod restarted. ``/readyz`` runs every readiness check (a callable that raises
when its dependency is unusable) and answers 200 with each check's result, or a 503 problem naming the
failed checks and their errors. Checks should be quick: a probe waits for all of them.

A service's web process has one check, ``database`` (see ``eventkit.service.web_app``): requests never
talk to Kafka, so a broker outage leaves the web ready and writes keep landing in the event store.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

from flask import Blueprint, Response, jsonify

from eventkit.web.openapi import documented
from eventkit.web.problems import problem_response, problem_type

_LOG = logging.getLogger(__name__)
_MAX_ERROR_LENGTH = 300


def health_blueprint(service: str, readiness_checks: Mapping[str, Callable[[], None]]) -> Blueprint:
    """The blueprint serving ``/healthz`` and ``/readyz`` for ``service``."""
    blueprint = Blueprint("eventkit_health", __name__)
    checks = dict(readiness_checks)

    @blueprint.get("/healthz")
    @documented("Liveness: 200 while the process serves requests", tags=["meta"])
    def healthz() -> Response:
        return jsonify(status="ok", service=service)

    @blueprint.get("/readyz")
    @documented("Readiness: every readiness check passes - for a web process, its database answers "
                "(503 problem naming the failed checks otherwise)", tags=["meta"], errors=[503])
    def readyz() -> Response:
        results: dict[str, dict[str, object]] = {}
        for name, check in checks.items():
            try:
                check()
            except Exception as exc:  # a readiness check reports every failure, whatever its type
                _LOG.warning("readiness check %s failed", name, exc_info=exc, extra={"check": name})
                results[name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:_MAX_ERROR_LENGTH]}
            else:
                results[name] = {"ok": True}
        failed = [name for name, result in results.items() if not result["ok"]]
        if failed:
            return problem_response(
                503,
                "Not ready",
                f"{len(failed)} readiness check(s) failed: {', '.join(failed)}",
                type_uri=problem_type("NotReady"),
                service=service,
                checks=results,
            )
        return jsonify(status="ready", service=service, checks=results)

    return blueprint
