"""gunicorn target: ``gunicorn -c python:eventkit.web.gunicorn_conf 'services.partner.wsgi:create_app()'``."""

from __future__ import annotations

from eventkit.service import wsgi_app
from services.partner import bootstrap
from services.partner.settings import SERVICE


def create_app():
    return wsgi_app(SERVICE, bootstrap.WIRING.create_app)
