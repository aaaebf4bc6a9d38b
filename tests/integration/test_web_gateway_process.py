"""`vaxtrail up` / `status` / `down` for the web gateway: it starts detached on its port with the stack's
environment, says whether it is ready (the built app), and stops."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from eventkit.auth import generate_dev_keypair
from vaxtrail_cli import gateway, processes
from vaxtrail_cli.paths import StackPaths
from web.gateway.settings import DEFAULT_DIST


def test_the_gateway_starts_reports_ready_and_stops_with_the_stack(tmp_path: Path):
    if not (DEFAULT_DIST / "index.html").is_file():
        pytest.skip("the web app is not built (make setup)")
    paths = StackPaths(state=tmp_path, kafka_libs=tmp_path / "libs", web_port=processes.free_ports(1)[0])
    private, public = generate_dev_keypair(paths.keys)
    stack_env = {"VAXTRAIL_ENV": "local", "JWT_PUBLIC_KEY_FILE": str(public), "JWT_PRIVATE_KEY_FILE": str(private),
                 "VAXTRAIL_STATE_DIR": str(tmp_path)}
    lines: list[str] = []
    try:
        gateway.start_gateway(paths, stack_env, out=lines.append)
        assert gateway.gateway_status(paths, out=lines.append)
        page = requests.get(f"{gateway.url(paths)}/site", timeout=5)
        assert page.status_code == 200 and 'id="app"' in page.text
        dev = requests.post(f"{gateway.url(paths)}/auth/dev", json={"role": "vaccinator", "scopes": ["site:S-1"]},
                            timeout=5)
        assert dev.status_code == 200 and "vaxtrail_token" in dev.headers["Set-Cookie"]
        gateway.start_gateway(paths, stack_env, out=lines.append)  # idempotent: left running
        assert any("already running" in line for line in lines)
    finally:
        assert gateway.stop_gateway(paths, out=lines.append)
    assert not gateway.gateway_status(paths, out=lines.append)
    assert "NOT RUNNING" in lines[-1]
    assert gateway.log_file(paths).is_file()
