"""The five real services of the end-to-end test, started side by side against one PostgreSQL server and one
Kafka broker, all trusting one development key pair (so one token signer serves every service).

Each service is its own gunicorn web + worker (``tests/integration/service_procs.start_service``; the
certificate service through ``certificate_procs.start_certificate``, which also makes its key folder).
They start in parallel: on two cores a start-up is mostly waiting for imports and the Kafka metadata check.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import requests

from eventkit.auth import generate_dev_keypair, mint_token
from services.allocation.bootstrap import MIGRATIONS as ALLOCATION_MIGRATIONS
from services.immunization.bootstrap import MIGRATIONS as IMMUNIZATION_MIGRATIONS
from services.inventory.bootstrap import MIGRATIONS as INVENTORY_MIGRATIONS
from services.registration.bootstrap import MIGRATIONS as REGISTRATION_MIGRATIONS
from tests.integration.certificate_procs import start_certificate
from tests.integration.service_procs import RunningService, drop_service_database, start_service

MIGRATIONS = {
    "inventory": INVENTORY_MIGRATIONS,
    "registration": REGISTRATION_MIGRATIONS,
    "allocation": ALLOCATION_MIGRATIONS,
    "immunization": IMMUNIZATION_MIGRATIONS,
}
SERVICES = (*MIGRATIONS, "certificate")


@dataclass
class Stack:
    """The running services by name, and a signer of tokens every one of them accepts."""

    private_key: bytes
    services: dict[str, RunningService] = field(default_factory=dict)
    http: requests.Session = field(default_factory=requests.Session)

    def __getitem__(self, name: str) -> RunningService:
        return self.services[name]

    def headers(self, role: str, *scopes: str, sub: str | None = None) -> dict[str, str]:
        token = mint_token(self.private_key, subject=sub or f"{role}-{scopes[0]}", role=role, scopes=list(scopes))
        return {"Authorization": f"Bearer {token}"}

    def post(self, service: str, path: str, body: dict, headers: dict) -> requests.Response:
        return self.http.post(self[service].url(path), json=body, headers=headers, timeout=60)

    def get(self, service: str, path: str, headers: dict, **params) -> requests.Response:
        return self.http.get(self[service].url(path), params=params, headers=headers, timeout=30)

    def log_tails(self) -> str:
        return "\n".join(s.log_tail(20) for s in self.services.values())


def start_stack(infra, workdir: Path) -> Stack:
    """Start every service; if one fails to start, stop the ones that did and re-raise."""
    private, public = generate_dev_keypair(workdir / "keys")
    stack = Stack(Path(private).read_bytes())

    def start(name: str) -> RunningService:
        folder = workdir / name
        folder.mkdir(parents=True, exist_ok=True)
        if name == "certificate":
            return start_certificate(server_url=infra.server_url, kafka_bootstrap=infra.kafka_bootstrap,
                                     public_key=public, workdir=folder)
        return start_service(name, server_url=infra.server_url, kafka_bootstrap=infra.kafka_bootstrap,
                             public_key=public, workdir=folder, migrations=MIGRATIONS[name])

    with ThreadPoolExecutor(max_workers=len(SERVICES), thread_name_prefix="e2e-start") as pool:
        futures = {name: pool.submit(start, name) for name in SERVICES}
    failures = []
    for name, future in futures.items():
        try:
            stack.services[name] = future.result()
        except Exception as exc:  # noqa: BLE001 - collected, the started ones are stopped, then re-raised
            failures.append((name, exc))
    if failures:
        stop_stack(stack, infra)
        raise RuntimeError(f"services failed to start: {failures}")
    return stack


def stop_stack(stack: Stack, infra) -> None:
    stack.http.close()
    for service in stack.services.values():
        service.stop()
    for service in stack.services.values():
        drop_service_database(service, infra.server_url)
