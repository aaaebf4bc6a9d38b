"""gunicorn target: ``gunicorn -c python:eventkit.web.gunicorn_conf 'services.allocation.wsgi:create_app()'``."""

from __future__ import annotations

from eventkit.service import wsgi_app
from services.allocation import bootstrap
from services.allocation.settings import SERVICE


def create_app():
    return wsgi_app(SERVICE, bootstrap.WIRING.create_app)
