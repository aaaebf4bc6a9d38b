"""A web process is ready when its database is, and a database outage is a 503 to retry, never a 500.

The registration web app (its real wiring) talks to PostgreSQL through a TCP proxy the test can cut: cut,
the server is gone mid-flight (pooled connections die) and unreachable afterwards (new ones are refused) -
a write and a read answer 503 problem+json with ``Retry-After``, and ``/readyz`` 503 naming ``database``.
Kafka is not the web's business (writes go to the event store; the relay publishes): with the broker
unreachable and the database up, ``/readyz`` is 200.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from psycopg.conninfo import conninfo_to_dict

from eventkit import db
from eventkit.auth import generate_dev_keypair, mint_token
from eventkit.service import ServiceRuntime, web_app
from eventkit.settings import Settings, with_database
from eventkit.web.problems import PROBLEM_JSON
from services.registration.bootstrap import WIRING

from .kafka_helpers import wait_for
from .registration_support import person_body
from .service_procs import free_port


class CuttableProxy:
    """Forwards 127.0.0.1:<port> to PostgreSQL until :meth:`cut`, which drops every connection and the port."""

    def __init__(self, upstream: tuple[str, int], port: int = 0) -> None:
        self.upstream = upstream
        self._listener = socket.create_server(("127.0.0.1", port))
        self.port = self._listener.getsockname()[1]
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True, name="pg-proxy").start()

    def _connect_upstream(self) -> socket.socket:
        host, port = self.upstream
        if host.startswith("/"):  # a Unix-socket DATABASE_URL
            upstream = socket.socket(socket.AF_UNIX)
            upstream.connect(f"{host}/.s.PGSQL.{port}")
            return upstream
        return socket.create_connection((host, port))

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            upstream = self._connect_upstream()
            with self._lock:
                self._sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        # shutdown first: a bare close() leaves the accept() blocked in the other thread listening (Linux).
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        with self._lock:
            for sock in self._sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()


@pytest.fixture
def registration_database(infra) -> Iterator[str]:
    name = f"test_outage_{uuid.uuid4().hex[:8]}"
    db.ensure_database(infra.server_url, name)
    url = with_database(infra.server_url, name)
    db.migrate(url, WIRING.migrations)
    yield url
    db.drop_database(infra.server_url, name)


@pytest.fixture
def keys(tmp_path: Path) -> tuple[bytes, Path]:
    private, public = generate_dev_keypair(tmp_path / "keys")
    return private.read_bytes(), public


def settings_for(database_url: str, kafka_bootstrap: str, public_key: Path) -> Settings:
    return Settings.from_env("registration", {
        "DATABASE_URL": database_url, "REGISTRATION_DATABASE_URL": database_url, "KAFKA_BOOTSTRAP": kafka_bootstrap,
        "JWT_PUBLIC_KEY_FILE": str(public_key), "VAXTRAIL_ENV": "local"})


def bearer(private_pem: bytes, role: str, scope: str) -> dict[str, str]:
    token = mint_token(private_pem, subject=f"{role}-outage-test", role=role, scopes=[scope])
    return {"Authorization": f"Bearer {token}"}


def assert_retryable_outage(response) -> dict:
    assert response.status_code == 503, response.get_data(as_text=True)
    assert response.content_type == PROBLEM_JSON
    assert int(response.headers["Retry-After"]) > 0
    return response.get_json(force=True)


def test_database_outage_is_503_with_retry_after_and_not_ready(infra, registration_database, keys):
    parts = conninfo_to_dict(registration_database)
    proxy = CuttableProxy((parts.get("host") or "/tmp", int(parts.get("port") or 5432)))
    proxied = with_database(f"postgresql://{parts.get('user', 'postgres')}@127.0.0.1:{proxy.port}/postgres",
                            parts["dbname"])
    settings = settings_for(proxied, infra.kafka_bootstrap, keys[1])
    # The real wiring; only the wait for a pooled connection is shortened so the test does not sit out 10 s.
    runtime = ServiceRuntime.build(settings, WIRING.codec(), WIRING.migrations, pool_timeout=1.0)
    client = web_app(runtime, WIRING.blueprints(runtime)).test_client()
    citizen, admin = bearer(keys[0], "citizen", "person:none"), bearer(keys[0], "national_admin", "national")
    try:
        assert client.get("/readyz").status_code == 200
        registered = client.post("/v1/persons", json=person_body(), headers=citizen)
        assert registered.status_code == 201, registered.get_data(as_text=True)
        person_id = registered.get_json()["person_id"]
        assert client.get(f"/v1/trail/{person_id}", headers=admin).status_code == 200

        proxy.cut()

        write = client.post("/v1/persons", json=person_body(), headers=citizen)
        assert assert_retryable_outage(write)["type"] == "urn:vaxtrail:problem:database-unavailable"
        read = client.get(f"/v1/trail/{person_id}", headers=admin)
        assert assert_retryable_outage(read)["type"] == "urn:vaxtrail:problem:database-unavailable"
        second_write = client.post("/v1/persons", json=person_body(), headers=citizen)  # pool empty by now
        assert_retryable_outage(second_write)
        ready = client.get("/readyz")
        assert ready.status_code == 503 and ready.content_type == PROBLEM_JSON
        body = ready.get_json(force=True)
        assert "database" in body["detail"] and body["checks"]["database"]["ok"] is False
    finally:
        proxy.cut()
        runtime.close()


def test_web_is_ready_with_kafka_unreachable_when_its_database_is_up(registration_database, keys):
    settings = settings_for(registration_database, f"127.0.0.1:{free_port()}", keys[1])
    app = WIRING.create_app(settings)
    try:
        response = app.test_client().get("/readyz")
        assert response.status_code == 200, response.get_data(as_text=True)
        assert response.get_json()["checks"] == {"database": {"ok": True}}
    finally:
        app.extensions["runtime"].close()


def test_a_web_started_while_its_database_is_down_serves_liveness_and_becomes_ready_when_it_is_up(
        infra, registration_database, keys):
    parts = conninfo_to_dict(registration_database)
    port = free_port()  # nothing listens here yet: the database is "down" when the process starts
    proxied = with_database(f"postgresql://{parts.get('user', 'postgres')}@127.0.0.1:{port}/postgres",
                            parts["dbname"])
    app = WIRING.create_app(settings_for(proxied, infra.kafka_bootstrap, keys[1]))
    client = app.test_client()
    proxy = None
    try:
        assert client.get("/healthz").status_code == 200
        assert client.get("/readyz").status_code == 503
        proxy = CuttableProxy((parts.get("host") or "/tmp", int(parts.get("port") or 5432)), port=port)
        wait_for(lambda: client.get("/readyz").status_code == 200, what="readiness once the database is up")
    finally:
        if proxy is not None:
            proxy.cut()
        app.extensions["runtime"].close()
