"""Tiny HTTP servers on loopback for the gateway's unit tests: a fake service and a fake identity provider."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from werkzeug.serving import make_server

from eventkit.auth import generate_dev_keypair
from web.gateway.app import create_app
from web.gateway.settings import GatewaySettings


@contextmanager
def serving(wsgi_app) -> Iterator[str]:
    """Serve ``wsgi_app`` on a free loopback port for the duration of the block; yields its base URL."""
    server = make_server("127.0.0.1", 0, wsgi_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)


def gateway_env(tmp: Path, **overrides: str) -> dict[str, str]:
    """The environment of a local-mode gateway with a development key pair and a built app in ``tmp``."""
    private, public = generate_dev_keypair(tmp / "keys")
    dist = tmp / "dist"
    dist.mkdir(exist_ok=True)
    (dist / "index.html").write_text("<!doctype html><title>VaxTrail</title><div id=app></div>")
    (dist / "assets").mkdir(exist_ok=True)
    (dist / "assets" / "app-3f2a.js").write_text("console.log('app')")
    env = {"VAXTRAIL_ENV": "local", "JWT_PUBLIC_KEY_FILE": str(public), "JWT_PRIVATE_KEY_FILE": str(private),
           "WEB_DIST": str(dist)}
    env.update(overrides)
    return env


def gateway(env: dict[str, str]):
    app = create_app(GatewaySettings.from_env(env))
    app.testing = True
    return app
