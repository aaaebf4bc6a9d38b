"""The smallest real service web app, for the gunicorn metrics test: eventkit's plumbing, no domain.

Built the way a service's ``wsgi.py`` builds its app - settings from the environment, JSON logs, an
authenticator from ``JWT_PUBLIC_KEY_FILE`` - so gunicorn runs the same code path production does.
"""

from __future__ import annotations

from flask import Flask

from eventkit.auth import Authenticator
from eventkit.logs import configure_logging
from eventkit.settings import Settings
from eventkit.web.app import create_app as create_web_app


def create_app() -> Flask:
    """Gunicorn target: ``tests.integration.gunicorn_app:create_app()``."""
    settings = Settings.from_env("inventory")
    configure_logging(settings.service, settings.log_level)
    return create_web_app(
        settings, blueprints=[], authenticator=Authenticator.from_settings(settings), readiness_checks={}
    )
