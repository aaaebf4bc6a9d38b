"""gunicorn target: ``gunicorn -c python:eventkit.web.gunicorn_conf 'web.gateway.wsgi:create_app()'``
(with ``VAXTRAIL_SERVICE=web`` and ``PORT=8080``; ``vaxtrail up`` starts it so)."""

from __future__ import annotations

from flask import Flask

from eventkit.logs import configure_logging
from web.gateway import app
from web.gateway.settings import GatewaySettings


def create_app() -> Flask:
    settings = GatewaySettings.from_env()
    configure_logging(app.SERVICE, settings.log_level)
    return app.create_app(settings)
