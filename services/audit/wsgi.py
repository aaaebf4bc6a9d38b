"""gunicorn target: ``gunicorn -c python:eventkit.web.gunicorn_conf 'services.audit.wsgi:create_app()'``."""

from __future__ import annotations

from eventkit.service import wsgi_app
from services.audit import bootstrap
from services.audit.settings import SERVICE


def create_app():
    return wsgi_app(SERVICE, bootstrap.WIRING.create_app)
