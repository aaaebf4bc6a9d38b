"""The private stack (the e2e benchmark's) keeps the caller's stack variables away and always cleans up."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from vaxtrail_cli import private_stack as module
from vaxtrail_cli.private_infra import Infra
from vaxtrail_cli.private_services import Stack, clean_environment

STACK_ENV = {  # what a shell that sourced .vaxtrail/stack.env (and a service's settings) may hold
    "DATABASE_URL": "postgresql://postgres@127.0.0.1:15432/postgres",
    "INVENTORY_DATABASE_URL": "postgresql://postgres@127.0.0.1:15432/vaxtrail_inventory",
    "KAFKA_BOOTSTRAP": "127.0.0.1:19092", "KAFKA_GROUP_PREFIX": "vaxtrail",
    "JWT_PUBLIC_KEY_FILE": "/stack/keys/pub.pem", "JWT_JWKS_URL": "http://127.0.0.1:8080/jwks",
    "VAXTRAIL_STATE_DIR": "/repo/.vaxtrail", "VAXTRAIL_ENV": "local", "PORT": "8001", "BIND": "0.0.0.0:8001",
    "METRICS_PORT": "9101", "WORKER_INSTANCE_ID": "inventory-1", "PROMETHEUS_MULTIPROC_DIR": "/repo/.vaxtrail/m",
    "CERTIFICATE_KEYS_DIR": "/repo/.vaxtrail/certificate-keys", "AUDIT_SIGNING_KEY_FILE": "/repo/.vaxtrail/a.pem",
}


def test_no_variable_naming_a_stack_reaches_the_private_processes():
    kept = {"PATH": "/usr/bin", "HOME": "/home/dev", "LOG_LEVEL": "INFO", "AUDIT_SEAL_SECONDS": "1"}
    assert clean_environment({**STACK_ENV, **kept}) == kept


@pytest.fixture
def fake_servers(monkeypatch, tmp_path):
    """private_infra / start_stack / stop_stack replaced by recorders: no server, no process."""
    events: list[str] = []
    monkeypatch.setattr(module.tempfile, "mkdtemp", lambda prefix: str(_made(tmp_path / "stack")))

    class Infrastructure:
        def __init__(self, root, **_):
            events.append(f"infra up in {Path(root).name}")

        def __enter__(self):
            return Infra("postgresql://postgres@127.0.0.1:1/postgres", "127.0.0.1:2", True, True)

        def __exit__(self, *_):
            events.append("infra down")

    monkeypatch.setattr(module, "private_infra", Infrastructure)
    monkeypatch.setattr(module, "start_stack", lambda *a, **k: events.append("services up") or Stack(b"key"))
    monkeypatch.setattr(module, "stop_stack", lambda stack: events.append("services down"))
    return events, tmp_path / "stack"


def _made(path: Path) -> Path:
    path.mkdir()
    return path


@pytest.mark.parametrize("failure", [RuntimeError("the load failed"), KeyboardInterrupt()])
def test_a_failed_or_interrupted_run_stops_everything_and_removes_the_folder(fake_servers, failure):
    events, root = fake_servers
    with pytest.raises(type(failure)), module.private_stack(out=lambda _: None) as stack:
        assert stack.root == root and root.is_dir()
        raise failure
    assert events == ["infra up in stack", "services up", "services down", "infra down"]
    assert not root.exists()


def test_sigterm_during_the_run_cleans_up_too(fake_servers):
    events, root = fake_servers
    previous = signal.getsignal(signal.SIGTERM)
    with pytest.raises(SystemExit) as exited, module.private_stack(out=lambda _: None):
        os.kill(os.getpid(), signal.SIGTERM)
    assert exited.value.code == 128 + signal.SIGTERM
    assert events[-2:] == ["services down", "infra down"] and not root.exists()
    assert signal.getsignal(signal.SIGTERM) == previous
