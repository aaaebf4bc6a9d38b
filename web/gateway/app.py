"""The gateway's composition root: :func:`create_app` builds the Flask app from :class:`GatewaySettings`.

Order: eventkit's request context (request id, JSON access log, metrics labelled ``web``), problem+json
error handlers, ``/healthz`` + ``/readyz`` (ready once the built app is there), ``/metrics``, the sign-in
routes (and a citizen's household, ``/auth/household``), OpenID Connect, the API proxy, and last the app's
files (the catch-all route).
"""

from __future__ import annotations

import os

from flask import Flask

from eventkit.web.context import install_request_context
from eventkit.web.health import health_blueprint
from eventkit.web.metrics_endpoint import metrics_blueprint
from eventkit.web.problems import register_problem_handlers
from web.gateway.assets import assets_blueprint, install_security_headers
from web.gateway.household import household_blueprint
from web.gateway.oidc import oidc_blueprint
from web.gateway.proxy import proxy_blueprint
from web.gateway.settings import GatewaySettings
from web.gateway.signin import AUTHENTICATOR, SETTINGS_EXTENSION, authenticator_for, signin_blueprint

SERVICE = "web"


def create_app(settings: GatewaySettings) -> Flask:
    app = Flask("vaxtrail-web", static_folder=None)
    app.config["MAX_CONTENT_LENGTH"] = None  # bodies stream to the services, which set their own limits
    app.extensions[SETTINGS_EXTENSION] = settings
    app.extensions[AUTHENTICATOR] = authenticator_for(settings)
    install_request_context(app, SERVICE)
    install_security_headers(app)
    register_problem_handlers(app)
    app.register_blueprint(health_blueprint(SERVICE, {"app": lambda: _built(settings)}))
    app.register_blueprint(metrics_blueprint(os.environ.get("PROMETHEUS_MULTIPROC_DIR")))
    app.register_blueprint(signin_blueprint(settings))
    app.register_blueprint(household_blueprint(settings))
    app.register_blueprint(oidc_blueprint(settings))
    app.register_blueprint(proxy_blueprint(settings))
    app.register_blueprint(assets_blueprint(settings.dist))
    return app


def _built(settings: GatewaySettings) -> None:
    if not (settings.dist / "index.html").is_file():
        raise RuntimeError(f"{settings.dist}/index.html is missing: build the app (make setup)")
