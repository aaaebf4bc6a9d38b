"""The five real services of the end-to-end test and the audit service reading them, started side by side against one PostgreSQL server and one
Kafka broker, all trusting one development key pair (so one token signer serves every service).

The machinery is the library's (:func:`vaxtrail_cli.private_services.start_stack`, which the end-to-end
benchmark's private stack uses too); this module adds the tests' HTTP helpers (``requests``) to its
:class:`~vaxtrail_cli.private_services.Stack`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import requests

from vaxtrail_cli import private_services
from vaxtrail_cli.private_services import SERVICES


@dataclass
class Stack(private_services.Stack):
    """The running services by name, a signer of tokens every one of them accepts, and an HTTP session."""

    http: requests.Session = field(default_factory=requests.Session)

    def post(self, service: str, path: str, body: dict, headers: dict) -> requests.Response:
        return self.http.post(self[service].url(path), json=body, headers=headers, timeout=60)

    def get(self, service: str, path: str, headers: dict, **params) -> requests.Response:
        return self.http.get(self[service].url(path), params=params, headers=headers, timeout=30)

    def close(self) -> None:
        self.http.close()


def start_stack(infra, workdir: Path, services: tuple[str, ...] = SERVICES) -> Stack:
    """Start ``services`` (default: all six); if one fails to start, stop the ones that did and re-raise.

    The dev key pair is ``workdir/keys/local-dev-1.{private,public}.pem`` (the web gateway signs with it too)."""
    return private_services.start_stack(infra.server_url, infra.kafka_bootstrap, workdir, services, make=Stack)


def stop_stack(stack: Stack, infra) -> None:
    private_services.stop_stack(stack, infra.server_url)
